package io.brigade.examples.replay;

import io.brigade.Processor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The report stage: counts what the messages were and what they traded. Every count is a sum, so
 * the merged result is the same whichever worker saw which message, and in whatever order.
 * <p>
 * Notional (price times size, summed) is kept exact in 128 bits, a high and a low long, so no
 * realistic file can overflow it.
 * <p>
 * Threading: one instance per worker, only ever called by that worker's thread. Merge them with
 * {@link #merge(List)} only after the pipeline has closed.
 */
final class Tally implements Processor<LobsterMessage>
{
    /** Decimal places of the VWAP in dollars; the last one is rounded half-even. */
    static final int VWAP_SCALE = 6;

    /** Prices in the file are dollars times ten to this power. */
    static final int PRICE_SCALE = 4;

    private static final int HALT_KINDS = 3;
    private static final EventType[] TYPES = EventType.values();

    private final long[] byType = new long[TYPES.length];
    private final long[] unknownByType = new long[TYPES.length];
    private final long[] haltsByKind = new long[HALT_KINDS];
    private long timesRounded;
    private long tradedShares;
    private long notionalHigh;
    private long notionalLow;

    public void process(final LobsterMessage message)
    {
        final EventType type = message.type;
        if (type.isTrade())
        {
            final long shares = Math.addExact(tradedShares, message.size);
            final long productLow = message.price * message.size;
            final long productHigh = Math.multiplyHigh(message.price, message.size);
            final long low = notionalLow + productLow;
            notionalHigh += productHigh + (Long.compareUnsigned(low, notionalLow) < 0 ? 1 : 0);
            notionalLow = low;
            tradedShares = shares;
        }

        if (EventType.HALT == type)
        {
            haltsByKind[(int)message.price + 1]++;
        }

        if (type.namesOrder() && !message.knownOrder)
        {
            unknownByType[type.ordinal()]++;
        }

        if (message.timeRounded)
        {
            timesRounded++;
        }

        byType[type.ordinal()]++;
    }

    /**
     * Sums the tallies of every worker.
     *
     * @param tallies one per worker of the report stage.
     * @return the totals.
     */
    static Totals merge(final List<Tally> tallies)
    {
        final long[] byType = new long[TYPES.length];
        final long[] unknownByType = new long[TYPES.length];
        final long[] haltsByKind = new long[HALT_KINDS];
        long timesRounded = 0;
        long tradedShares = 0;
        BigInteger notional = BigInteger.ZERO;
        for (final Tally tally : tallies)
        {
            for (int i = 0; i < TYPES.length; i++)
            {
                byType[i] += tally.byType[i];
                unknownByType[i] += tally.unknownByType[i];
            }

            for (int i = 0; i < HALT_KINDS; i++)
            {
                haltsByKind[i] += tally.haltsByKind[i];
            }

            timesRounded += tally.timesRounded;
            tradedShares = Math.addExact(tradedShares, tally.tradedShares);
            notional = notional.add(toBigInteger(tally.notionalHigh, tally.notionalLow));
        }

        final Map<EventType, Long> messages = new EnumMap<>(EventType.class);
        final Map<EventType, Long> unknown = new EnumMap<>(EventType.class);
        for (final EventType type : TYPES)
        {
            messages.put(type, byType[type.ordinal()]);
            if (type.namesOrder())
            {
                unknown.put(type, unknownByType[type.ordinal()]);
            }
        }

        return new Totals(
            Collections.unmodifiableMap(messages),
            timesRounded,
            Collections.unmodifiableMap(unknown),
            new ReplayReport.Halts(haltsByKind[0], haltsByKind[1], haltsByKind[2]),
            byType[EventType.EXECUTE.ordinal()] + byType[EventType.HIDDEN_EXECUTE.ordinal()],
            tradedShares,
            notional,
            vwapDollars(notional, tradedShares));
    }

    /**
     * The volume-weighted average price: notional divided by shares, in dollars.
     *
     * @param notional sum of price times size, price in dollars times 10,000.
     * @param shares   sum of sizes.
     * @return dollars with {@link #VWAP_SCALE} decimals, rounded half-even; null with no shares.
     */
    static BigDecimal vwapDollars(final BigInteger notional, final long shares)
    {
        if (0 == shares)
        {
            return null;
        }

        return new BigDecimal(notional, PRICE_SCALE).divide(BigDecimal.valueOf(shares), VWAP_SCALE,
            RoundingMode.HALF_EVEN);
    }

    private static BigInteger toBigInteger(final long high, final long low)
    {
        final BigInteger unsignedLow = new BigInteger(Long.toUnsignedString(low));

        return BigInteger.valueOf(high).shiftLeft(Long.SIZE).add(unsignedLow);
    }

    /**
     * What every report worker counted, summed.
     *
     * @param messagesByType       well-formed messages per type.
     * @param timesRounded         well-formed messages whose time had more than 9 decimals.
     * @param unknownByType        messages naming an order not in the book, per type that names
     *                             one.
     * @param halts                type 7 messages by kind.
     * @param trades               messages of types 4 and 5.
     * @param tradedShares         sum of their sizes.
     * @param tradedNotional       sum of their price times size.
     * @param vwapDollars          notional over shares in dollars, or null with no trades.
     */
    record Totals(
        Map<EventType, Long> messagesByType,
        long timesRounded,
        Map<EventType, Long> unknownByType,
        ReplayReport.Halts halts,
        long trades,
        long tradedShares,
        BigInteger tradedNotional,
        BigDecimal vwapDollars)
    {
    }
}
