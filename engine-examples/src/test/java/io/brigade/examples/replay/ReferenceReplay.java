package io.brigade.examples.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A plain, single-threaded replay written from the rules in engine-examples/README.md, sharing no
 * code with the example: its own parsing, its own book, no engine. Tests compare the example's
 * report with what this computes.
 */
final class ReferenceReplay
{
    private static final Pattern TIME = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final BigDecimal END_OF_DAY_SECONDS = BigDecimal.valueOf(86_400);

    long linesRead;
    long trailingBlankLines;
    long messagesRead;
    final Map<Integer, Long> messagesByType = new TreeMap<>();
    long timesRounded;
    final List<Long> malformedLines = new ArrayList<>();
    final Map<Integer, Long> unknownByType = new TreeMap<>();
    long duplicateAdds;
    long oversizedReductions;
    long deleteSizeMismatches;
    long priceMismatches;
    long sideMismatches;
    long halts;
    long quoteResumes;
    long tradeResumes;
    long trades;
    long tradedShares;
    BigInteger tradedNotional = BigInteger.ZERO;
    final Map<Long, long[]> book = new HashMap<>();

    static ReferenceReplay ofBundledSample() throws IOException
    {
        try (InputStream resource = ReferenceReplay.class.getClassLoader()
            .getResourceAsStream("lobster/AAPL_2012-06-21_34200000_37800000_message_50.csv.gz");
            BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(resource), StandardCharsets.UTF_8)))
        {
            return of(reader.lines().toList());
        }
    }

    static ReferenceReplay of(final List<String> lines)
    {
        final ReferenceReplay replay = new ReferenceReplay();
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isBlank())
        {
            last--;
        }

        replay.linesRead = lines.size();
        replay.trailingBlankLines = lines.size() - last;
        replay.messagesRead = last;
        for (int i = 0; i < last; i++)
        {
            replay.apply(i + 1, lines.get(i));
        }

        return replay;
    }

    private void apply(final long lineNumber, final String line)
    {
        final String[] f = line.split(",", -1);
        final long[] v = new long[6];
        if (line.isBlank() || f.length != 6 || !TIME.matcher(f[0]).matches())
        {
            malformedLines.add(lineNumber);
            return;
        }

        try
        {
            for (int i = 1; i < 6; i++)
            {
                v[i] = Long.parseLong(f[i]);
            }
        }
        catch (final NumberFormatException ex)
        {
            malformedLines.add(lineNumber);
            return;
        }

        final BigDecimal seconds = new BigDecimal(f[0]);
        final int type = (int)v[1];
        final long id = v[2];
        final long size = v[3];
        final long price = v[4];
        final long direction = v[5];
        final boolean knownType = v[1] == type && (type >= 1 && type <= 5 || type == 7);
        final boolean tradingType = type >= 1 && type <= 5;
        if (!knownType || seconds.compareTo(END_OF_DAY_SECONDS) >= 0 || Math.abs(direction) != 1 ||
            id < 0 || tradingType && (size <= 0 || price <= 0) || type == 7 && Math.abs(price) > 1)
        {
            malformedLines.add(lineNumber);
            return;
        }

        if (seconds.scale() > 9)
        {
            timesRounded++;
        }

        messagesByType.merge(type, 1L, Long::sum);
        onMessage(type, id, size, price, direction);
    }

    private void onMessage(
        final int type,
        final long id,
        final long size,
        final long price,
        final long direction)
    {
        if (type == 7)
        {
            halts += price == -1 ? 1 : 0;
            quoteResumes += price == 0 ? 1 : 0;
            tradeResumes += price == 1 ? 1 : 0;
            return;
        }

        if (type == 4 || type == 5)
        {
            trades++;
            tradedShares += size;
            tradedNotional =
                tradedNotional.add(BigInteger.valueOf(price).multiply(BigInteger.valueOf(size)));
        }

        final long[] order = book.get(id);
        if (type == 1)
        {
            if (null == order)
            {
                book.put(id, new long[] {price, size, direction});
            }
            else
            {
                duplicateAdds++;
            }

            return;
        }

        if (null == order)
        {
            unknownByType.merge(type, 1L, Long::sum);
            return;
        }

        if (type == 5)
        {
            return;
        }

        priceMismatches += order[0] != price ? 1 : 0;
        sideMismatches += order[2] != direction ? 1 : 0;
        if (type == 3)
        {
            deleteSizeMismatches += order[1] != size ? 1 : 0;
            book.remove(id);
            return;
        }

        oversizedReductions += size > order[1] ? 1 : 0;
        order[1] -= size;
        if (order[1] <= 0)
        {
            book.remove(id);
        }
    }

    long unknownOrderEvents()
    {
        return unknownByType.values().stream().mapToLong(Long::longValue).sum();
    }

    BigDecimal vwapDollars()
    {
        if (0 == tradedShares)
        {
            return null;
        }

        final BigDecimal sharesTimesScale =
            BigDecimal.valueOf(tradedShares).multiply(BigDecimal.valueOf(10_000));

        return new BigDecimal(tradedNotional).divide(sharesTimesScale, 6, RoundingMode.HALF_EVEN);
    }

    /**
     * Best price on one side, and the shares resting at it.
     *
     * @param direction 1 for bids, -1 for asks.
     * @return {price, size}, or null when the side is empty.
     */
    long[] best(final long direction)
    {
        long bestPrice = 0;
        long bestSize = 0;
        for (final long[] order : book.values())
        {
            if (order[2] != direction)
            {
                continue;
            }

            final boolean better =
                0 == bestSize || (direction == 1 ? order[0] > bestPrice : order[0] < bestPrice);
            if (better)
            {
                bestPrice = order[0];
                bestSize = order[1];
            }
            else if (order[0] == bestPrice)
            {
                bestSize += order[1];
            }
        }

        return 0 == bestSize ? null : new long[] {bestPrice, bestSize};
    }
}
