package io.brigade;

/**
 * Reported to the {@link TaskErrorHandler} for a task that a timed close gave up on before it
 * completed.
 */
public final class PipelineClosedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message where the task was abandoned.
     */
    public PipelineClosedException(final String message)
    {
        super(message, null, false, false);
    }
}
