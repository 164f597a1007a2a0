package io.brigade.examples.replay;

import io.brigade.Processor;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The book stage: one symbol's limit order book, rebuilt from the messages in file order.
 * <p>
 * Only orders submitted in the file are known. What each type does:
 * <ul>
 *     <li>1 submit: the order rests at its price and side. If its id already rests, the message
 *     is counted as a duplicate add and ignored: the first order keeps resting unchanged.</li>
 *     <li>2 cancel and 4 execute: the resting order shrinks by the message's size, and leaves the
 *     book at zero. A size larger than what rests removes the order and is counted as an
 *     oversized reduction.</li>
 *     <li>3 delete: the resting order leaves the book, whatever the message's size; a size that
 *     differs from what rested is counted as a delete size mismatch.</li>
 *     <li>5 hidden execute and 7 halt: no change.</li>
 * </ul>
 * A cancel, delete or execute acts on the resting order found by id, at that order's price and
 * side; a message whose price or direction differs from the resting order's is counted as a
 * price or side mismatch. Any message of types 2 to 5 whose id does not rest is marked unknown
 * ({@link LobsterMessage#knownOrder} false) and changes nothing; the report stage counts it.
 * <p>
 * Threading: one instance is shared by the stage's workers, which the KEYED stage, with every
 * message on one key, runs one at a time in file order, each run handing over to the next with a
 * happens-before edge. Read the results only after the pipeline has closed.
 */
final class OrderBook implements Processor<LobsterMessage>
{
    private final Map<Long, RestingOrder> orders = new HashMap<>();
    private final NavigableMap<Long, Long> bidSizeByPrice = new TreeMap<>();
    private final NavigableMap<Long, Long> askSizeByPrice = new TreeMap<>();
    private long duplicateAdds;
    private long oversizedReductions;
    private long deleteSizeMismatches;
    private long priceMismatches;
    private long sideMismatches;

    public void process(final LobsterMessage message)
    {
        switch (message.type)
        {
            case SUBMIT -> submit(message);
            case CANCEL, EXECUTE -> reduce(message);
            case DELETE -> delete(message);
            case HIDDEN_EXECUTE -> message.knownOrder = orders.containsKey(message.orderId);
            case HALT ->
            {
            }
        }
    }

    private void submit(final LobsterMessage message)
    {
        message.knownOrder = false;
        if (orders.containsKey(message.orderId))
        {
            duplicateAdds++;
            return;
        }

        final RestingOrder order = new RestingOrder(message.price, message.size, message.direction);
        orders.put(message.orderId, order);
        addToLevel(message.direction, message.price, message.size);
    }

    private void reduce(final LobsterMessage message)
    {
        final RestingOrder order = find(message);
        if (null == order)
        {
            return;
        }

        if (message.size >= order.size)
        {
            if (message.size > order.size)
            {
                oversizedReductions++;
            }

            remove(message.orderId, order);
        }
        else
        {
            order.size -= message.size;
            addToLevel(order.direction, order.price, -message.size);
        }
    }

    private void delete(final LobsterMessage message)
    {
        final RestingOrder order = find(message);
        if (null == order)
        {
            return;
        }

        if (message.size != order.size)
        {
            deleteSizeMismatches++;
        }

        remove(message.orderId, order);
    }

    private RestingOrder find(final LobsterMessage message)
    {
        final RestingOrder order = orders.get(message.orderId);
        message.knownOrder = null != order;
        if (null != order)
        {
            if (message.price != order.price)
            {
                priceMismatches++;
            }

            if (message.direction != order.direction)
            {
                sideMismatches++;
            }
        }

        return order;
    }

    private void remove(final long orderId, final RestingOrder order)
    {
        orders.remove(orderId);
        addToLevel(order.direction, order.price, -order.size);
    }

    private void addToLevel(final long direction, final long price, final long sizeChange)
    {
        final NavigableMap<Long, Long> levels = 1 == direction ? bidSizeByPrice : askSizeByPrice;
        final long size = Math.addExact(levels.getOrDefault(price, 0L), sizeChange);
        if (0 == size)
        {
            levels.remove(price);
        }
        else
        {
            levels.put(price, size);
        }
    }

    long restingOrders()
    {
        return orders.size();
    }

    ReplayReport.Level bestBid()
    {
        final Map.Entry<Long, Long> best = bidSizeByPrice.lastEntry();

        return null == best ? null : new ReplayReport.Level(best.getKey(), best.getValue());
    }

    ReplayReport.Level bestAsk()
    {
        final Map.Entry<Long, Long> best = askSizeByPrice.firstEntry();

        return null == best ? null : new ReplayReport.Level(best.getKey(), best.getValue());
    }

    ReplayReport.BookEdgeCases edgeCases()
    {
        return new ReplayReport.BookEdgeCases(
            duplicateAdds,
            oversizedReductions,
            deleteSizeMismatches,
            priceMismatches,
            sideMismatches);
    }

    /**
     * An order resting in the book; its size shrinks in place.
     */
    private static final class RestingOrder
    {
        final long price;
        final long direction;
        long size;

        RestingOrder(final long price, final long size, final long direction)
        {
            this.price = price;
            this.size = size;
            this.direction = direction;
        }
    }
}
