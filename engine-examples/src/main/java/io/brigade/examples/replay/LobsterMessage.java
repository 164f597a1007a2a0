package io.brigade.examples.replay;

/**
 * The replay's task: one line of the message file, filled in as it moves through the stages.
 * <p>
 * parse sets the numeric fields, validate sets {@link #type}, book sets {@link #knownOrder}, and
 * report reads them all. Threading: the engine hands the task from stage to stage with a
 * happens-before edge, so plain fields are enough; no two stages touch it at once.
 */
final class LobsterMessage
{
    final long lineNumber;
    final String line;

    long timeNs;
    long typeCode;
    long orderId;
    long size;
    long price;
    long direction;
    boolean timeRounded;

    EventType type;
    boolean knownOrder;

    LobsterMessage(final long lineNumber, final String line)
    {
        this.lineNumber = lineNumber;
        this.line = line;
    }
}
