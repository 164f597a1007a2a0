package io.brigade;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.fail;

/**
 * Helpers shared by the engine tests: deadline-based waits, thread lookup by name, and a probe
 * into a pipeline's stages through the package-private API.
 * <p>
 * Threading: every method is safe from any thread.
 */
final class TestSupport
{
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private TestSupport()
    {
    }

    /**
     * Polls a condition until it holds, failing the test when the deadline passes first.
     *
     * @param condition what to wait for.
     * @param timeoutMs longest wait.
     * @param what      describes the state at the deadline, for the failure message.
     */
    static void await(
        final BooleanSupplier condition,
        final long timeoutMs,
        final Supplier<String> what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("timed out after " + timeoutMs + " ms waiting for: " + what.get());
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    /**
     * Live threads whose name starts with {@code prefix}.
     *
     * @param prefix name prefix, e.g. {@code "<pipeline>-"}.
     * @return the threads.
     */
    static List<Thread> liveThreadsNamed(final String prefix)
    {
        final List<Thread> found = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(prefix) && thread.isAlive())
            {
                found.add(thread);
            }
        }

        return found;
    }

    /**
     * Runs GC until every reference is cleared, failing the test when the deadline passes first.
     *
     * @param refs      references to tasks the engine should no longer hold.
     * @param timeoutMs longest wait.
     */
    static void awaitCollected(final List<? extends WeakReference<?>> refs, final long timeoutMs)
    {
        await(
            () ->
            {
                System.gc();
                return refs.stream().allMatch((ref) -> null == ref.get());
            },
            timeoutMs,
            () -> refs.stream().filter((ref) -> null != ref.get()).count() + " of " + refs.size() +
                " tasks still strongly reachable, e.g. " +
                refs.stream().map(WeakReference::get).filter((t) -> null != t).findFirst()
                    .orElse(null));
    }

    /**
     * The pipeline's stages, for inspection through their package-private API.
     *
     * @param pipeline the pipeline.
     * @return its stages, in order.
     */
    static Stage[] stages(final Pipeline<?> pipeline)
    {
        return pipeline.stages();
    }

    /**
     * Describes every stage whose rings, steal queue or reorder window still hold something, or
     * whose key stripes are still held.
     *
     * @param pipeline the pipeline, closed or quiescent.
     * @return one line per stage that is not empty; empty when all are.
     */
    static List<String> undrainedStages(final Pipeline<?> pipeline)
    {
        final List<String> problems = new ArrayList<>();
        for (final Stage stage : stages(pipeline))
        {
            final StringBuilder text = new StringBuilder();
            if (!stage.isDrained())
            {
                text.append(" not drained:");
                for (int w = 0; w < stage.rings.length; w++)
                {
                    text.append(" ring").append(w)
                        .append(".drained=").append(stage.rings[w].isDrained())
                        .append(" backlog=").append(stage.rings[w].backlog());
                }
                if (null != stage.stealQueue)
                {
                    text.append(" stealSurplus=").append(stage.stealQueue.surplus());
                }
                if (null != stage.window)
                {
                    text.append(" windowOccupancy=").append(stage.window.occupancy())
                        .append(" headParked=").append(stage.window.isHeadParked());
                }
            }

            if (null != stage.stripes)
            {
                int held = 0;
                for (int s = 0; s < stage.stripes.count(); s++)
                {
                    held += KeyStripes.FREE == stage.stripes.state(s) ? 0 : 1;
                }
                if (held > 0)
                {
                    text.append(" keyStripesHeld=").append(held);
                }
            }

            if (text.length() > 0)
            {
                problems.add("stage '" + stage.name + "'" + text);
            }
        }

        return problems;
    }

    /**
     * Spins for about {@code ns} nanoseconds without parking, for short simulated work.
     *
     * @param ns how long.
     */
    static void spinFor(final long ns)
    {
        final long endNs = System.nanoTime() + ns;
        while (System.nanoTime() - endNs < 0)
        {
            Thread.onSpinWait();
        }
    }
}
