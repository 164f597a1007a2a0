package io.brigade.examples.replay;

/**
 * Thrown by the parse and validate stages for a line that is not a well-formed message; the
 * engine hands it to the error channel with the task.
 * <p>
 * It carries no stack trace: it is an expected outcome, made once per bad line, and its line
 * number and reason say all there is to say.
 */
public final class MalformedLineException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final long lineNumber;
    private final String reason;

    /**
     * Describes one malformed line.
     *
     * @param lineNumber the line's 1-based number in the file.
     * @param reason     what is wrong with it, in a few words.
     */
    public MalformedLineException(final long lineNumber, final String reason)
    {
        super("line " + lineNumber + ": " + reason, null, false, false);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /**
     * The line's number.
     *
     * @return 1-based.
     */
    public long lineNumber()
    {
        return lineNumber;
    }

    /**
     * What is wrong with the line.
     *
     * @return the reason, without the line number.
     */
    public String reason()
    {
        return reason;
    }
}
