package io.brigade.examples.replay;

import io.brigade.Processor;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The parse stage: splits a line into its six fields and reads each as a number, without
 * judging what the numbers mean (that is the validate stage's job).
 * <p>
 * Rules, checked in this order; the first one broken makes the line malformed:
 * <ol>
 *     <li>the line is not blank (empty or only whitespace);</li>
 *     <li>it has exactly six comma-separated fields, with no spaces around them;</li>
 *     <li>the time is decimal seconds: digits, optionally a point and at least one more digit.
 *     More than 9 decimals are rounded half-even to the nanosecond and the message is marked
 *     {@link LobsterMessage#timeRounded}: the bundled sample has one such time, a float printed
 *     with 17 significant digits, on a delete that the book needs;</li>
 *     <li>type, order id, size, price and direction are each a decimal integer that fits a
 *     long.</li>
 * </ol>
 * Threading: stateless, so one instance serves every worker.
 */
final class LineParser implements Processor<LobsterMessage>
{
    static final int FIELD_COUNT = 6;

    private static final String[] FIELD_NAMES =
        {"time", "type", "order id", "size", "price", "direction"};
    private static final int MAX_DECIMALS = 9;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L,
        1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L};

    public void process(final LobsterMessage message) throws MalformedLineException
    {
        final String line = message.line;
        if (line.isBlank())
        {
            throw new MalformedLineException(message.lineNumber, "blank line");
        }

        int fields = 1;
        for (int i = 0; i < line.length(); i++)
        {
            if (',' == line.charAt(i))
            {
                fields++;
            }
        }

        if (FIELD_COUNT != fields)
        {
            throw new MalformedLineException(message.lineNumber,
                "expected " + FIELD_COUNT + " comma-separated fields, found " + fields);
        }

        final int timeEnd = line.indexOf(',');
        message.timeNs = parseTimeNs(message, line, 0, timeEnd);
        final int typeEnd = line.indexOf(',', timeEnd + 1);
        message.typeCode = parseLong(message, line, 1, timeEnd + 1, typeEnd);
        final int orderIdEnd = line.indexOf(',', typeEnd + 1);
        message.orderId = parseLong(message, line, 2, typeEnd + 1, orderIdEnd);
        final int sizeEnd = line.indexOf(',', orderIdEnd + 1);
        message.size = parseLong(message, line, 3, orderIdEnd + 1, sizeEnd);
        final int priceEnd = line.indexOf(',', sizeEnd + 1);
        message.price = parseLong(message, line, 4, sizeEnd + 1, priceEnd);
        message.direction = parseLong(message, line, 5, priceEnd + 1, line.length());
    }

    private static long parseLong(
        final LobsterMessage message,
        final String line,
        final int field,
        final int start,
        final int end) throws MalformedLineException
    {
        try
        {
            return Long.parseLong(line, start, end, 10);
        }
        catch (final NumberFormatException ex)
        {
            throw new MalformedLineException(message.lineNumber,
                FIELD_NAMES[field] + " '" + line.substring(start, end) + "' is not an integer");
        }
    }

    private static long parseTimeNs(
        final LobsterMessage message,
        final String line,
        final int start,
        final int end) throws MalformedLineException
    {
        int point = -1;
        for (int i = start; i < end; i++)
        {
            final char c = line.charAt(i);
            if ('.' == c && point < 0)
            {
                point = i;
            }
            else if (c < '0' || c > '9')
            {
                throw badTime(message, line, start, end, "is not decimal seconds");
            }
        }

        final int secondsEnd = point < 0 ? end : point;
        final int decimals = point < 0 ? 0 : end - point - 1;
        if (start == secondsEnd || (point >= 0 && 0 == decimals))
        {
            throw badTime(message, line, start, end, "is not decimal seconds");
        }

        try
        {
            if (decimals > MAX_DECIMALS)
            {
                // Seen in real files: a float printed with 17 significant digits. Rare: the slow
                // path may allocate.
                message.timeRounded = true;
                return new BigDecimal(line.substring(start, end)).movePointRight(MAX_DECIMALS)
                    .setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            }

            final long seconds = Long.parseLong(line, start, secondsEnd, 10);
            final long fraction = 0 == decimals ? 0 : Long.parseLong(line, point + 1, end, 10);

            final long fractionNs = fraction * POWERS_OF_TEN[MAX_DECIMALS - decimals];

            return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), fractionNs);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw badTime(message, line, start, end, "is out of range");
        }
    }

    private static MalformedLineException badTime(
        final LobsterMessage message,
        final String line,
        final int start,
        final int end,
        final String problem)
    {
        return new MalformedLineException(
            message.lineNumber, "time '" + line.substring(start, end) + "' " + problem);
    }
}
