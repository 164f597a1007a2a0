package io.brigade.metrics;

import io.brigade.StageOrder;

import java.util.List;

/**
 * One stage's counters and latencies at the moment of a snapshot.
 *
 * @param name         the stage's name.
 * @param order        the order the stage promises.
 * @param workers      per-worker counters, by worker index.
 * @param entryFailures tasks that failed on entry to the stage (their key function threw).
 * @param stealSurplus tasks waiting in the stage's steal queue.
 * @param latency      from entering the stage to the end of processing in it.
 * @param serviceTime  time inside the processor, last attempt included.
 */
public record StageMetrics(
    String name,
    StageOrder order,
    List<WorkerMetrics> workers,
    long entryFailures,
    long stealSurplus,
    LatencySummary latency,
    LatencySummary serviceTime)
{
    /**
     * Tasks run to success, over all workers.
     *
     * @return the sum.
     */
    public long processed()
    {
        return workers.stream().mapToLong(WorkerMetrics::processed).sum();
    }

    /**
     * Tasks failed in the stage, over all workers, entry failures included.
     *
     * @return the sum.
     */
    public long failed()
    {
        return entryFailures + workers.stream().mapToLong(WorkerMetrics::failed).sum();
    }

    /**
     * Tries to take a task that looked available, over all workers (see
     * {@link WorkerCounter#STEAL_ATTEMPTS}).
     *
     * @return the sum.
     */
    public long stealAttempts()
    {
        return workers.stream().mapToLong(WorkerMetrics::stealAttempts).sum();
    }

    /**
     * Steal attempts that got a task, over all workers.
     *
     * @return the sum.
     */
    public long stealSuccesses()
    {
        return workers.stream().mapToLong(WorkerMetrics::stealSuccesses).sum();
    }

    /**
     * Tasks run by a worker other than the one they were dispatched to.
     *
     * @return the sum.
     */
    public long tasksStolen()
    {
        return workers.stream().mapToLong(WorkerMetrics::tasksStolen).sum();
    }

    /**
     * Tasks moved by their own worker into the steal queue.
     *
     * @return the sum.
     */
    public long tasksShed()
    {
        return workers.stream().mapToLong(WorkerMetrics::tasksShed).sum();
    }

    /**
     * Share of steal attempts that got a task. A rate below one means thieves lost races for the
     * same tasks; idle rounds that saw nothing to take do not count as attempts.
     *
     * @return successes divided by attempts, or 0 with no attempts.
     */
    public double stealSuccessRate()
    {
        final long attempts = stealAttempts();

        return 0 == attempts ? 0.0 : (double)stealSuccesses() / attempts;
    }
}
