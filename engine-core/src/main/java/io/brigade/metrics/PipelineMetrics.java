package io.brigade.metrics;

import java.util.List;

/**
 * A pipeline's accounting, counters and latencies at the moment of a snapshot.
 * <p>
 * Accounting holds at every quiescent point: {@code accepted == completed + failed + rejected}
 * once {@link #inFlight()} is zero. A task is counted exactly once, when it completes, when it
 * fails in some stage (abandoned at close included), or when a submit that had taken its id gives
 * it back.
 *
 * @param name      the pipeline's name.
 * @param elapsedNs nanoseconds since start.
 * @param accepted  ids handed out by submit calls.
 * @param completed tasks handed to the completion handler.
 * @param failed    tasks that failed in some stage, or were abandoned at close.
 * @param rejected  submit calls that took an id and then returned CLOSED or BACK_PRESSURED.
 * @param endToEnd  from submit to the completion handler.
 * @param stages    per-stage metrics, in pipeline order.
 */
public record PipelineMetrics(
    String name,
    long elapsedNs,
    long accepted,
    long completed,
    long failed,
    long rejected,
    LatencySummary endToEnd,
    List<StageMetrics> stages)
{
    /**
     * Tasks accepted and not yet completed or failed.
     *
     * @return the count.
     */
    public long inFlight()
    {
        return accepted - rejected - completed - failed;
    }

    /**
     * Completions per second since start.
     *
     * @return the rate, 0 before any time has passed.
     */
    public double throughputPerSecond()
    {
        return elapsedNs <= 0 ? 0.0 : completed * 1e9 / elapsedNs;
    }

    /**
     * Finds a stage by name.
     *
     * @param stageName the stage's name.
     * @return its metrics.
     * @throws IllegalArgumentException when no stage has that name.
     */
    public StageMetrics stage(final String stageName)
    {
        for (final StageMetrics stage : stages)
        {
            if (stage.name().equals(stageName))
            {
                return stage;
            }
        }

        throw new IllegalArgumentException("no stage named '" + stageName + "' in pipeline '" + name + "'");
    }
}
