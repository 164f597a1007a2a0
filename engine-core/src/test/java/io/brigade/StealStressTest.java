package io.brigade;

import io.brigade.balance.Balance;
import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue requirement: a million no-op tasks, all routed to worker 0 of four by key affinity with a
 * single key, so that the other three get work only by stealing (or by the spill-over of a full
 * ring). Every task must run exactly once, the accounting must sum, and stealing must have
 * happened. Each case varies ring size, steal batch, shed threshold and steal queue capacity.
 */
class StealStressTest
{
    private static final int TASKS = 1_000_000;
    private static final Item[] ITEMS = new Item[TASKS];

    static
    {
        for (int i = 0; i < TASKS; i++)
        {
            ITEMS[i] = new Item(i);
        }
    }

    static final class Item
    {
        final int index;

        Item(final int index)
        {
            this.index = index;
        }
    }

    @ParameterizedTest(name = "ring={0} batch={1} threshold={2} stealQueue={3}")
    @CsvSource({
        "64,   1,  0.25, 64",
        "256,  16, 0.5,  1024",
        "1024, 10, 0.7,  1024",
        "16,   2,  1.0,  2",
        "2,    1,  0.5,  2",
        "128,  64, 0.1,  128"})
    @Timeout(120)
    void shouldRunEveryTaskExactlyOnceWhenAllRoutedToOneWorker(
        final int ringSize,
        final int stealBatch,
        final double stealThreshold,
        final int stealQueueCapacity)
    {
        final AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
        final AtomicLong completions = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("steal")
            .stage("hot", (Item item) -> runs.incrementAndGet(item.index)).workers(4)
            .balance(Balance.KEY_AFFINITY).key((item) -> 0L)
            .ringSize(ringSize).stealBatch(stealBatch).stealThreshold(stealThreshold)
            .stealQueueCapacity(stealQueueCapacity).and()
            .onComplete((item, id) -> completions.incrementAndGet())
            .onError((item, id, stage, worker, cause, attempts) -> failures.incrementAndGet())
            .build();
        assertThat(Balance.workerForKey(0L, 4)).as("the single key maps to worker 0").isZero();
        pipeline.start();

        for (int i = 0; i < TASKS; i++)
        {
            if (pipeline.submit(ITEMS[i]) < 0)
            {
                fail("submit of task " + i + " was refused");
            }
        }
        pipeline.close();

        int missing = 0;
        int repeated = 0;
        int firstBad = -1;
        for (int i = 0; i < TASKS; i++)
        {
            final int count = runs.get(i);
            if (1 != count)
            {
                missing += 0 == count ? 1 : 0;
                repeated += count > 1 ? 1 : 0;
                firstBad = firstBad < 0 ? i : firstBad;
            }
        }
        assertThat(missing).as("tasks never run (first bad index %d)", firstBad).isZero();
        assertThat(repeated).as("tasks run more than once (first bad index %d)", firstBad).isZero();

        final PipelineMetrics metrics = pipeline.metrics();
        final StageMetrics hot = metrics.stage("hot");
        System.out.println("StealStressTest ring=" + ringSize + " batch=" + stealBatch +
            " threshold=" + stealThreshold + " queue=" + stealQueueCapacity + ": stolen=" +
            hot.tasksStolen() + " shed=" + hot.tasksShed() + " processed per worker=" +
            hot.workers().stream().map((w) -> Long.toString(w.processed())).toList());
        assertThat(completions.get()).isEqualTo(TASKS);
        assertThat(failures.get()).isZero();
        assertThat(metrics.submitted()).isEqualTo(TASKS);
        assertThat(metrics.completed()).isEqualTo(TASKS);
        assertThat(metrics.failed()).isZero();
        assertThat(metrics.rejected()).isZero();
        assertThat(hot.processed()).isEqualTo(TASKS);
        assertThat(hot.tasksStolen()).as("tasks stolen").isPositive();
        assertThat(pipeline.engineErrors()).isZero();
        assertThat(TestSupport.undrainedStages(pipeline)).isEmpty();
    }
}
