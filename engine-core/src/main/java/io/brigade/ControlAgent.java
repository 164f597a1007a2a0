package io.brigade;

import org.agrona.concurrent.Agent;

/**
 * The pipeline's control agent: every balancer period it samples the workers' latency recorders
 * and rebuilds the weighted schedules. It never touches a task.
 * <p>
 * Threading: runs on its own thread under an Agrona {@link org.agrona.concurrent.AgentRunner}.
 */
final class ControlAgent implements Agent
{
    private final Pipeline<?> pipeline;
    private final long periodNs;
    private long nextRunNs;

    ControlAgent(final Pipeline<?> pipeline, final long periodNs)
    {
        this.pipeline = pipeline;
        this.periodNs = periodNs;
    }

    public void onStart()
    {
        nextRunNs = System.nanoTime() + periodNs;
    }

    public int doWork()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextRunNs < 0)
        {
            return 0;
        }

        nextRunNs = nowNs + periodNs;
        pipeline.rebalance();

        return 1;
    }

    public String roleName()
    {
        return pipeline.name() + "-control";
    }
}
