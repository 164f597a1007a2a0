package io.brigade;

import io.brigade.metrics.PipelineMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ORDERED stages hand tasks on in the order they entered, whichever worker ran them, however long
 * each took, and whether or not it was stolen; a failed task leaves a gap that is skipped.
 */
class OrderedStageTest
{
    private static final int TASKS = 20_000;

    static final class Step
    {
        final int index;
        final long delayNs;
        final boolean park;
        final boolean fails;

        Step(final int index)
        {
            this.index = index;
            final long mix = mix(index);
            fails = 0 == index % 997;
            if (0 == index % 2_000)
            {
                park = true;
                delayNs = 5_000_000;
            }
            else if (0 == (mix & 255))
            {
                park = true;
                delayNs = 200_000 + (mix >>> 8) % 800_000;
            }
            else
            {
                park = false;
                delayNs = 0 == (mix & 7) ? (mix >>> 8) % 30_000 : 0;
            }
        }

        void work()
        {
            if (park)
            {
                LockSupport.parkNanos(delayNs);
            }
            else if (delayNs > 0)
            {
                TestSupport.spinFor(delayNs);
            }
        }

        public String toString()
        {
            return "Step" + index;
        }
    }

    @ParameterizedTest(name = "reorderWindow={0}")
    @ValueSource(ints = {8, 64, 1024})
    @Timeout(60)
    void shouldCompleteInInputOrderWhenOrderedStagesStealWithRandomDelays(final int window)
    {
        final AtomicInteger expected = new AtomicInteger();
        final AtomicLong lastId = new AtomicLong(-1);
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicInteger inHandler = new AtomicInteger();
        final AtomicLong overlaps = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final StringBuilder firstProblem = new StringBuilder();
        final Pipeline<Step> pipeline = Pipeline.<Step>builder("ordered" + window)
            .stage("a", (Step step) ->
            {
                step.work();
                if (step.fails)
                {
                    throw new IllegalStateException("gap at " + step.index);
                }
            }).workers(4).ringSize(16).order(StageOrder.ORDERED).reorderWindow(window)
            .stealBatch(4).stealThreshold(0.5).and()
            .stage("b", (Step step) -> TestSupport.spinFor(step.delayNs / 4)).workers(2)
            .ringSize(16).order(StageOrder.ORDERED).reorderWindow(Math.min(window, 32)).and()
            .onComplete((step, id) ->
            {
                if (1 != inHandler.incrementAndGet())
                {
                    overlaps.incrementAndGet();
                }
                int next = expected.get();
                while (new Step(next).fails)
                {
                    next++;
                }
                if (step.index != next || id <= lastId.get())
                {
                    if (0 == outOfOrder.getAndIncrement())
                    {
                        firstProblem.append("expected ").append(next)
                            .append(" got ").append(step.index)
                            .append(" id ").append(id)
                            .append(" after id ").append(lastId.get());
                    }
                }
                expected.set(step.index + 1);
                lastId.set(id);
                inHandler.decrementAndGet();
            })
            .onError((step, id, stage, worker, cause, attempts) -> failed.incrementAndGet())
            .build();
        pipeline.start();
        for (int i = 0; i < TASKS; i++)
        {
            pipeline.submit(new Step(i));
        }
        pipeline.close();

        final long gaps = failed.get();
        assertThat(outOfOrder.get()).as("out-of-order completions, first: %s", firstProblem)
            .isZero();
        assertThat(overlaps.get()).as("concurrent completion handler calls").isZero();
        assertThat(gaps).isEqualTo((TASKS + 996) / 997);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.completed()).isEqualTo(TASKS - gaps);
        assertThat(metrics.stage("a").tasksStolen()).as("tasks stolen in stage a").isPositive();
        assertThat(TestSupport.undrainedStages(pipeline)).isEmpty();
    }

    static long mix(final long index)
    {
        long x = index * 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;

        return (x ^ (x >>> 31)) & Long.MAX_VALUE;
    }

    @Test
    @Timeout(60)
    void shouldNeverHoldMoreThanMaxInFlightWhenOrderedStageIsLimited()
    {
        final int limit = 3;
        final AtomicReference<ReorderWindow> window = new AtomicReference<>();
        final AtomicLong most = new AtomicLong();
        final List<Integer> out = new ArrayList<>();
        final Pipeline<int[]> pipeline = Pipeline.<int[]>builder("limited")
            .stage("seq", (int[] t) ->
            {
                most.accumulateAndGet(window.get().occupancy(), Math::max);
                TestSupport.spinFor((t[0] % 7) * 20_000L);
            })
            .workers(4).order(StageOrder.ORDERED).reorderWindow(16).maxInFlight(limit).and()
            .onComplete((t, id) -> out.add(t[0]))
            .build();
        window.set(TestSupport.stages(pipeline)[0].window);
        pipeline.start();
        for (int i = 0; i < 2_000; i++)
        {
            pipeline.submit(new int[] {i});
        }
        pipeline.close();

        assertThat(out).hasSize(2_000).isSorted();
        assertThat(most.get()).as("most tickets out at once").isBetween(2L, (long)limit);
    }
}
