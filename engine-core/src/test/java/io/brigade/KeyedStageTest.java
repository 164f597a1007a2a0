package io.brigade;

import io.brigade.metrics.PipelineMetrics;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KEYED stages run the tasks of one key one at a time and in the order they entered, even when
 * siblings steal around a slow key, when keys share a stripe, and when attempts fail and retry.
 * The stage is fed by an ORDERED stage, so its entry order is the submission order.
 */
class KeyedStageTest
{
    private static final int TASKS = 20_000;
    private static final int KEYS = 16;
    private static final int SLOW_KEY = 3;

    static final class Order
    {
        final int index;
        final int key;
        final int sequence;
        final int attemptsToFail;
        int attempts;

        Order(final int index, final int key, final int sequence)
        {
            this.index = index;
            this.key = key;
            this.sequence = sequence;
            this.attemptsToFail = 0 == index % 1_009 ? 2 : (0 == index % 501 ? 1 : 0);
        }

        public String toString()
        {
            return "Order[" + index + " key=" + key + " seq=" + sequence + "]";
        }
    }

    @ParameterizedTest(name = "keyStripes={0} stealBatch={1}")
    @CsvSource({"1024, 4", "4, 1", "16, 16"})
    @Timeout(60)
    void shouldKeepKeyOrderAndNeverOverlapWhenSiblingsStealAroundSlowKey(
        final int keyStripes,
        final int stealBatch)
    {
        final AtomicIntegerArray running = new AtomicIntegerArray(KEYS);
        final AtomicLongArray lastStarted = new AtomicLongArray(KEYS);
        final AtomicLongArray lastCompleted = new AtomicLongArray(KEYS);
        final AtomicLong overlaps = new AtomicLong();
        final AtomicLong startedOutOfOrder = new AtomicLong();
        final AtomicLong completedOutOfOrder = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        for (int k = 0; k < KEYS; k++)
        {
            lastStarted.set(k, -1);
            lastCompleted.set(k, -1);
        }

        final String name = "keyed" + keyStripes + "x" + stealBatch;
        final Pipeline<Order> pipeline = Pipeline.<Order>builder(name)
            .stage("pre", (Order order) -> {}).workers(2).order(StageOrder.ORDERED).and()
            .stage("book", (Order order) ->
            {
                if (1 != running.incrementAndGet(order.key))
                {
                    overlaps.incrementAndGet();
                }
                // A retry starts the same task again, so "not before its predecessor" is enough.
                if (order.sequence < lastStarted.get(order.key))
                {
                    startedOutOfOrder.incrementAndGet();
                }
                lastStarted.set(order.key, order.sequence);
                work(order);
                running.decrementAndGet(order.key);
                if (order.attempts++ < order.attemptsToFail)
                {
                    throw new IllegalStateException("attempt " + order.attempts + " of " + order);
                }
            }).workers(4).ringSize(16).order(StageOrder.KEYED).key((order) -> order.key)
            .keyStripes(keyStripes).maxAttempts(2).stealBatch(stealBatch).stealThreshold(0.5).and()
            .onComplete((order, id) ->
            {
                if (order.sequence <= lastCompleted.get(order.key))
                {
                    completedOutOfOrder.incrementAndGet();
                }
                lastCompleted.set(order.key, order.sequence);
            })
            .onError((order, id, stage, worker, cause, attempts) -> failed.incrementAndGet())
            .build();
        pipeline.start();

        final int[] nextSequence = new int[KEYS];
        int expectedFailures = 0;
        for (int i = 0; i < TASKS; i++)
        {
            final int key = (int)(OrderedStageTest.mix(i) % KEYS);
            final Order order = new Order(i, key, nextSequence[key]++);
            expectedFailures += order.attemptsToFail >= 2 ? 1 : 0;
            pipeline.submit(order);
        }
        pipeline.close();

        assertThat(overlaps.get()).as("tasks of one key running at the same time").isZero();
        assertThat(startedOutOfOrder.get()).as("tasks of one key started out of order").isZero();
        assertThat(completedOutOfOrder.get()).as("tasks of one key completed out of order")
            .isZero();
        assertThat(failed.get()).isEqualTo(expectedFailures);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.completed()).isEqualTo(TASKS - expectedFailures);
        assertThat(metrics.stage("book").tasksStolen()).as("tasks stolen in the keyed stage")
            .isPositive();
        assertThat(TestSupport.undrainedStages(pipeline)).isEmpty();
    }

    private static void work(final Order order)
    {
        final long mix = OrderedStageTest.mix(order.index + 1_000_003L);
        if (SLOW_KEY == order.key && 0 == order.sequence % 50)
        {
            LockSupport.parkNanos(5_000_000);
        }
        else if (0 == (mix & 127))
        {
            LockSupport.parkNanos(200_000);
        }
        else if (0 == (mix & 3))
        {
            TestSupport.spinFor((mix >>> 8) % 20_000);
        }
    }
}
