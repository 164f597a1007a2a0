package io.brigade;

/**
 * The error channel: receives each task that failed, with where and why.
 * <p>
 * Called on the thread that saw the failure, usually the failing stage's worker, so it must be
 * thread-safe. What it throws is counted and otherwise ignored, so it cannot stop a worker.
 * <p>
 * <b>Note:</b> after this returns, the engine holds no reference to the task.
 *
 * @param <T> type of the task.
 */
@FunctionalInterface
public interface TaskErrorHandler<T>
{
    /** Worker index reported for a failure that happened before any worker took the task. */
    int NO_WORKER = -1;

    /**
     * Called once per failed task.
     *
     * @param task     the task.
     * @param taskId   the id its submit call returned.
     * @param stage    name of the stage where it failed.
     * @param worker   index of the worker that ran the last attempt, or {@link #NO_WORKER}.
     * @param cause    what the last attempt threw; a {@link PipelineClosedException} for a task
     *                 abandoned by a close that ran out of time.
     * @param attempts how many attempts were made, 0 when none was.
     */
    void onTaskError(T task, long taskId, String stage, int worker, Throwable cause, int attempts);
}
