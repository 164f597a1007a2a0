package io.brigade;

/**
 * Receives each task that has passed every stage.
 * <p>
 * It runs on a worker thread of the last stage, so several calls can run at once unless that
 * stage is ORDERED, where calls come one at a time in input order. What it throws counts the task
 * as failed in the last stage.
 * <p>
 * <b>Note:</b> after this returns, the engine holds no reference to the task; the caller may reuse
 * it.
 *
 * @param <T> type of the task.
 */
@FunctionalInterface
public interface CompletionHandler<T>
{
    /**
     * Called once per completed task.
     *
     * @param task   the task.
     * @param taskId the id its submit call returned.
     */
    void onComplete(T task, long taskId);
}
