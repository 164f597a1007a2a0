package io.brigade.metrics;

import java.util.List;

/**
 * A pipeline's accounting, counters and latencies at the moment of a snapshot.
 * <p>
 * Accounting holds at every quiescent point: {@code submitted == completed + failed + rejected}
 * once {@link #inFlight()} is zero. Every submit call on a started pipeline takes an id and is
 * counted exactly once more: when its task completes, when it fails in some stage (abandoned at
 * close included), or, if the call returned CLOSED or BACK_PRESSURED, as rejected.
 *
 * @param name      the pipeline's name.
 * @param elapsedNs nanoseconds since start.
 * @param submitted submit calls that took an id, accepted or rejected.
 * @param completed tasks handed to the completion handler.
 * @param failed    tasks that failed in some stage, or were abandoned at close.
 * @param rejected  submit calls that returned CLOSED or BACK_PRESSURED; their tasks never entered.
 * @param endToEnd  from submit to the completion handler.
 * @param stages    per-stage metrics, in pipeline order.
 */
public record PipelineMetrics(
    String name,
    long elapsedNs,
    long submitted,
    long completed,
    long failed,
    long rejected,
    LatencySummary endToEnd,
    List<StageMetrics> stages)
{
    /**
     * Tasks accepted into the pipeline: submit calls that returned an id.
     *
     * @return {@code submitted - rejected}.
     */
    public long accepted()
    {
        return submitted - rejected;
    }

    /**
     * Tasks accepted and not yet completed or failed.
     *
     * @return the count.
     */
    public long inFlight()
    {
        return submitted - rejected - completed - failed;
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
