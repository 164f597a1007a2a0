package io.brigade.examples.skew;

import java.util.List;

/**
 * What one run of the skew experiment measured.
 * <p>
 * Makespan runs from just before the first submit to the last completion. A worker's idle time is
 * the makespan less its busy time, so it covers waiting for work, looking for work to steal, and
 * any time the thread was off the CPU while not inside a task.
 *
 * @param stealing       whether the stage stole work.
 * @param ringSize       slots in each worker's ring.
 * @param makespanNs     first submit to last completion.
 * @param submitNs       first submit to the return of the last submit.
 * @param completed      tasks completed.
 * @param failed         tasks failed; zero unless something is wrong.
 * @param engineErrors   faults inside the engine; zero unless the engine has a bug.
 * @param stealAttempts  idle rounds the stage spent looking for work.
 * @param stealSuccesses rounds that found work.
 * @param tasksStolen    tasks run by a worker other than the one they were dispatched to.
 * @param tasksShed      tasks moved by their own worker into the steal queue.
 * @param workers        per worker, by index.
 */
public record SkewResult(
    boolean stealing,
    int ringSize,
    long makespanNs,
    long submitNs,
    long completed,
    long failed,
    long engineErrors,
    long stealAttempts,
    long stealSuccesses,
    long tasksStolen,
    long tasksShed,
    List<WorkerResult> workers)
{
    /**
     * One worker's share of a run.
     *
     * @param worker         index in the stage.
     * @param processed      tasks it ran, its own and stolen ones.
     * @param busyNs         time inside the processor, as the engine measured it.
     * @param idleNs         makespan less busy time.
     * @param unitsDone      work units of the tasks it ran, counted by its processor.
     * @param workNs         time inside the work itself, timed by its processor: a check on
     *                       {@code busyNs}, which encloses it.
     * @param tasksStolen    tasks it ran that came from the steal queue or a sibling's ring.
     * @param tasksShed      tasks it moved from its ring into the steal queue.
     * @param siblingClaims  tasks it claimed straight from a sibling's ring.
     * @param stealAttempts  idle rounds it spent looking for work.
     * @param stealSuccesses rounds that found work.
     */
    public record WorkerResult(
        int worker,
        long processed,
        long busyNs,
        long idleNs,
        long unitsDone,
        long workNs,
        long tasksStolen,
        long tasksShed,
        long siblingClaims,
        long stealAttempts,
        long stealSuccesses)
    {
    }

    /**
     * The run's mode as printed.
     *
     * @return {@code on} or {@code off}.
     */
    public String mode()
    {
        return stealing ? "on" : "off";
    }

    /**
     * Busy time over all workers.
     *
     * @return nanoseconds.
     */
    public long totalBusyNs()
    {
        return workers.stream().mapToLong(WorkerResult::busyNs).sum();
    }

    /**
     * Idle time over all workers.
     *
     * @return nanoseconds.
     */
    public long totalIdleNs()
    {
        return workers.stream().mapToLong(WorkerResult::idleNs).sum();
    }

    /**
     * Work units run over all workers.
     *
     * @return the sum.
     */
    public long totalUnitsDone()
    {
        return workers.stream().mapToLong(WorkerResult::unitsDone).sum();
    }

    /**
     * Idle time as a share of the time the workers were there for.
     *
     * @return total idle over workers times makespan, in [0, 1].
     */
    public double idleShare()
    {
        final double availableNs = (double)makespanNs * workers.size();

        return makespanNs <= 0 ? 0.0 : totalIdleNs() / availableNs;
    }

    /**
     * Completions per second of makespan.
     *
     * @return the rate.
     */
    public double throughputPerSecond()
    {
        return makespanNs <= 0 ? 0.0 : completed * 1e9 / makespanNs;
    }

    /**
     * Share of steal rounds that found work.
     *
     * @return successes over attempts, or NaN when the run made no attempts.
     */
    public double stealSuccessRate()
    {
        return 0 == stealAttempts ? Double.NaN : (double)stealSuccesses / stealAttempts;
    }
}
