package io.brigade.examples.replay;

/**
 * A replay could not read its input. The message names the input and says what went wrong, in
 * words fit for a user; no stack trace is needed to understand it.
 */
public final class ReplayException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Describes the failure.
     *
     * @param message names the input and the problem.
     * @param cause   the underlying I/O failure.
     */
    public ReplayException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
