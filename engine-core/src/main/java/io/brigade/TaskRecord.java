package io.brigade;

/**
 * What the engine knows about one task while it is in flight: the caller's payload plus the
 * bookkeeping that travels with it from stage to stage.
 * <p>
 * The same shape serves as a ring slot, a steal-queue carrier, a reorder-window slot and a
 * worker's task in hand, so moving a task between them is a field copy and never an allocation.
 * <p>
 * Threading: a record has one owner at a time; hand-over between threads is made visible by the
 * structure it moves through (ring publish, queue offer, window state).
 */
class TaskRecord
{
    /** The caller's task, or null when the record is free. */
    Object task;

    /** Id given at submission: unique and increasing in acceptance order. */
    long taskId;

    /** {@link System#nanoTime()} at submission, for end-to-end latency. */
    long submitNs;

    /** {@link System#nanoTime()} when the task entered its current stage. */
    long enterNs;

    /** Position in the stage's reorder window (ORDERED stages only). */
    long ticket;

    /** Key stripe (KEYED stages only), or -1. */
    int stripe;

    void copyFrom(final TaskRecord other)
    {
        task = other.task;
        taskId = other.taskId;
        submitNs = other.submitNs;
        enterNs = other.enterNs;
        ticket = other.ticket;
        stripe = other.stripe;
    }

    /**
     * Forgets the payload so that a processed record never keeps the caller's task reachable.
     */
    void clear()
    {
        task = null;
        ticket = -1;
        stripe = -1;
    }
}
