package io.brigade;

/**
 * What a stage promises about the order in which it runs tasks and hands them on.
 */
public enum StageOrder
{
    /**
     * No promise: tasks run on any worker and leave in any order. Stealing is free.
     */
    UNORDERED,

    /**
     * Tasks run in parallel on any worker but leave the stage in the order they entered it. A
     * bounded reorder window holds finished tasks until all earlier ones have finished; when the
     * window is full, entry into the stage waits. Failed tasks leave a gap that is skipped, never
     * waited on.
     */
    ORDERED,

    /**
     * Tasks with the same key run one at a time, in the order they entered the stage, and leave it
     * in that order; different keys run in parallel. Dispatch is by key affinity. A task is taken,
     * by its worker or a thief, only when no earlier task of its key is still running; a task whose
     * key is running is parked with that key's holder, which runs it next, so the tasks of other
     * keys queued behind it are not held up.
     */
    KEYED
}
