package io.brigade.metrics;

/**
 * The live counters every worker keeps, with stable ids and readable labels.
 * <p>
 * Each worker has one counter of each kind in the pipeline's Agrona counters buffer, labelled
 * {@code <pipeline>.<stage>.<worker>: <label>}; its type id is {@link #typeId()}. Every counter has
 * a single writer (its worker), so reads from other threads see a value that is at most a moment
 * old and never torn.
 */
public enum WorkerCounter
{
    /** Tasks this worker ran to success in its stage. */
    TASKS_PROCESSED(1, "tasks processed"),

    /** Tasks that failed in this worker after their last attempt. */
    TASKS_FAILED(2, "tasks failed"),

    /** Attempts repeated after a failure. */
    RETRIES(3, "retries"),

    /** Tasks this worker handed to the pipeline's completion handler (last stage only). */
    TASKS_COMPLETED(4, "tasks completed"),

    /**
     * Tries, by this worker with an empty ring, to take a task that looked available: a poll round
     * on the steal queue while it reported surplus, or a claim on a sibling's ring that had a
     * backlog. Rounds that saw nothing to take are not counted.
     */
    STEAL_ATTEMPTS(5, "steal attempts"),

    /** Steal attempts that got a task; the others lost a race to another claimer. */
    STEAL_SUCCESSES(6, "steal successes"),

    /** Tasks this worker ran that it took from the steal queue or a sibling's ring. */
    TASKS_STOLEN(7, "tasks stolen"),

    /** Tasks this worker moved from its own ring into the steal queue. */
    TASKS_SHED(8, "tasks shed"),

    /** Tasks this worker claimed from siblings' rings (run by it, or passed on to the steal queue). */
    SIBLING_CLAIMS(9, "sibling claims"),

    /** Times forwarding to the next stage found it full and had to wait. */
    BACKPRESSURE_WAITS(10, "backpressure waits"),

    /** Nanoseconds spent inside the stage's processor. */
    BUSY_NS(11, "busy ns");

    private final int id;
    private final String label;

    WorkerCounter(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * Stable id of this counter kind, used as the Agrona counter type id.
     *
     * @return the id.
     */
    public int typeId()
    {
        return id;
    }

    /**
     * Readable label of this counter kind.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }
}
