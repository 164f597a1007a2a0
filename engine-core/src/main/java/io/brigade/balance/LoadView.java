package io.brigade.balance;

/**
 * What a {@link Balancer} may read about the stage it dispatches into.
 * <p>
 * <b>Note:</b> values are snapshots taken without locks; they can be stale by the time they are
 * used and are meant for balancing decisions, not accounting.
 */
public interface LoadView
{
    /**
     * Number of workers in the stage.
     *
     * @return the worker count, at least one.
     */
    int workers();

    /**
     * Tasks waiting in a worker's ring, not counting the one it is running.
     *
     * @param worker index of the worker, from zero.
     * @return the backlog, never negative.
     */
    long backlog(int worker);

    /**
     * The current weighted schedule: worker indices laid out so that each worker appears in
     * proportion to its weight, interleaved. Its length is a power of two. Until the first weights
     * are computed every worker appears equally often.
     * <p>
     * <b>Note:</b> the array is replaced, never modified, when weights change; callers must not
     * write to it.
     *
     * @return the schedule.
     */
    int[] schedule();
}
