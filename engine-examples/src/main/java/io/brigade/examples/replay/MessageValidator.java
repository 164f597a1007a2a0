package io.brigade.examples.replay;

import io.brigade.Processor;

/**
 * The validate stage: checks that a parsed line means something, and sets its {@link EventType}.
 * <p>
 * Rules, checked in this order; the first one broken makes the line malformed:
 * <ol>
 *     <li>the type is 1, 2, 3, 4, 5 or 7 (6, cross trades in later LOBSTER versions, is not
 *     accepted);</li>
 *     <li>the time is before the end of the day, 86,400 seconds after midnight;</li>
 *     <li>the direction is 1 (buy) or -1 (sell);</li>
 *     <li>the order id is not negative (hidden executions carry 0);</li>
 *     <li>for types 1 to 5, the size is positive;</li>
 *     <li>for types 1 to 5, the price is positive;</li>
 *     <li>for type 7, the price is -1 (halt), 0 (quoting resumes) or 1 (trading resumes). Its size
 *     and order id are not checked.</li>
 * </ol>
 * Threading: stateless, so one instance serves every worker.
 */
final class MessageValidator implements Processor<LobsterMessage>
{
    static final long END_OF_DAY_NS = 86_400L * 1_000_000_000L;

    public void process(final LobsterMessage message) throws MalformedLineException
    {
        final long lineNumber = message.lineNumber;
        final EventType type = EventType.ofCode(message.typeCode);
        if (null == type)
        {
            throw new MalformedLineException(lineNumber, "unknown event type " + message.typeCode);
        }

        if (message.timeNs >= END_OF_DAY_NS)
        {
            throw new MalformedLineException(
                lineNumber, "time is past the end of the day (86400 seconds)");
        }

        if (1 != message.direction && -1 != message.direction)
        {
            throw new MalformedLineException(
                lineNumber, "direction must be 1 (buy) or -1 (sell), was " + message.direction);
        }

        if (message.orderId < 0)
        {
            throw new MalformedLineException(
                lineNumber, "order id must not be negative, was " + message.orderId);
        }

        if (EventType.HALT == type)
        {
            if (message.price < -1 || message.price > 1)
            {
                throw new MalformedLineException(lineNumber, "type 7 price must be -1 (halt), " +
                    "0 (quoting resumes) or 1 (trading resumes), was " + message.price);
            }
        }
        else if (message.size <= 0)
        {
            throw new MalformedLineException(lineNumber,
                "size must be positive for type " + type.code() + ", was " + message.size);
        }
        else if (message.price <= 0)
        {
            throw new MalformedLineException(lineNumber,
                "price must be positive for type " + type.code() + ", was " + message.price);
        }

        message.type = type;
    }
}
