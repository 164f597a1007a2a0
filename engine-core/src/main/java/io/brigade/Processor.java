package io.brigade;

/**
 * The user code a stage runs on each task.
 * <p>
 * A processor works on the task in place: the same object travels through every stage, so a stage
 * passes results on by writing them into the task.
 * <p>
 * Anything it throws, {@link Error}s included, stays with the task: the attempt counts as failed,
 * the task is retried up to the stage's attempt limit, then goes to the pipeline's
 * {@link TaskErrorHandler} and the worker goes on with the next task.
 * <p>
 * <b>Note:</b> a processor given to {@link PipelineBuilder#stage(String, Processor)} is shared by
 * all the stage's workers and must be thread-safe; one made per worker by
 * {@link PipelineBuilder#stagePerWorker(String, java.util.function.IntFunction)} is only ever called by its
 * own worker's thread, except after a steal, when the worker runs a sibling's task on its own
 * processor.
 *
 * @param <T> type of the task.
 */
@FunctionalInterface
public interface Processor<T>
{
    /**
     * Processes one task.
     *
     * @param task the task, never null.
     * @throws Exception to fail this attempt.
     */
    void process(T task) throws Exception;
}
