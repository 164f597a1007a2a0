package io.brigade;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in user code around a task (handlers, odd exceptions, interrupts) and closes that race
 * each other must not lose a task, end one twice, or wedge a stage.
 */
class FaultContainmentTest
{
    static final class Box
    {
        final int index;

        Box(final int index)
        {
            this.index = index;
        }
    }

    /**
     * An exception whose message cannot be read, thrown with no error handler installed: the
     * error log cannot record it, but the task still fails once and the stage keeps flowing.
     */
    static final class UnreadableException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public String getMessage()
        {
            throw new IllegalStateException("no message for you");
        }
    }

    @Test
    @Timeout(30)
    void shouldEndEveryTaskOnceWhenTimedCloseMeetsSlowCompletionHandlerAfterOrderedStage()
        throws InterruptedException
    {
        final CountDownLatch inHandler = new CountDownLatch(1);
        final Map<Integer, Integer> ends = new ConcurrentHashMap<>();
        final Pipeline<Box> pipeline = Pipeline.<Box>builder("slow-done")
            .stage("only", (Box b) -> {}).order(StageOrder.ORDERED).and()
            .onComplete((box, id) ->
            {
                if (0 == box.index)
                {
                    inHandler.countDown();
                    TestSupport.spinFor(TimeUnit.MILLISECONDS.toNanos(2_500));
                }
                ends.merge(box.index, 1, Integer::sum);
            })
            .onError((box, id, stage, worker, cause, attempts) -> ends.merge(box.index, 1, Integer::sum))
            .build();
        pipeline.start();
        for (int i = 0; i < 3; i++)
        {
            pipeline.submit(new Box(i));
        }
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(pipeline.close(100, TimeUnit.MILLISECONDS)).isFalse();

        TestSupport.await(() -> 3 == ends.size() && 0 == pipeline.metrics().inFlight(), 10_000,
            () -> "every task to end; ends " + ends + ", " + pipeline.metrics());
        assertThat(ends).containsOnlyKeys(0, 1, 2).allSatisfy((index, count) ->
            assertThat(count).as("endings of task %d", index).isEqualTo(1));
    }

    @Test
    @Timeout(30)
    void shouldLetTimedCloseGiveUpWhileAnUntimedCloseWaits() throws InterruptedException
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final Pipeline<Box> pipeline = Pipeline.<Box>builder("two-closers")
            .stage("stuck", (Box b) ->
            {
                entered.countDown();
                release.await();
            }).and()
            .build();
        pipeline.start();
        pipeline.submit(new Box(0));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        final AtomicBoolean untimedResult = new AtomicBoolean(true);
        final Thread untimed = new Thread(() -> untimedResult.set(pipeline.close(1, TimeUnit.HOURS)));
        untimed.start();
        TestSupport.await(() -> Thread.State.TIMED_WAITING == untimed.getState() ||
            Thread.State.WAITING == untimed.getState(), 5_000, () -> "untimed close to wait");

        final long startNs = System.nanoTime();
        final boolean timedResult = pipeline.close(100, TimeUnit.MILLISECONDS);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        release.countDown();
        untimed.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(timedResult).isFalse();
        assertThat(tookMs).as("the timed close is bounded by its own limit and the stop grace")
            .isLessThan(8_000);
        assertThat(untimed.isAlive()).isFalse();
        assertThat(untimedResult.get()).as("the untimed close reports the same outcome").isFalse();
    }

    @Test
    @Timeout(30)
    void shouldKeepOrderedAndKeyedStagesFlowingWhenFailureCannotBeRecorded()
    {
        for (final StageOrder order : new StageOrder[] {StageOrder.ORDERED, StageOrder.KEYED})
        {
            final AtomicLong completed = new AtomicLong();
            final Pipeline<Box> pipeline = Pipeline.<Box>builder("unreadable-" + order)
                .stage("risky", (Box b) ->
                {
                    if (7 == b.index)
                    {
                        throw new UnreadableException();
                    }
                }).workers(2).order(order).key((b) -> b.index % 2).and()
                .onComplete((box, id) -> completed.incrementAndGet())
                .build();
            pipeline.start();
            for (int i = 0; i < 100; i++)
            {
                pipeline.submit(new Box(i));
            }

            assertThat(pipeline.close(10, TimeUnit.SECONDS)).as("%s closes cleanly", order).isTrue();
            assertThat(completed.get()).as("%s completions", order).isEqualTo(99);
            assertThat(pipeline.metrics().failed()).isEqualTo(1);
            assertThat(pipeline.errorHandlerFailures()).isEqualTo(1);
            assertThat(pipeline.engineErrors()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void shouldClearInterruptLeftByHandlersBeforeTheNextTask()
    {
        final AtomicInteger interruptedOnEntry = new AtomicInteger();
        final Pipeline<Box> pipeline = Pipeline.<Box>builder("interrupting")
            .stage("only", (Box b) ->
            {
                if (Thread.currentThread().isInterrupted())
                {
                    interruptedOnEntry.incrementAndGet();
                }

                if (0 == b.index % 3)
                {
                    throw new IllegalStateException("fail " + b.index);
                }
            }).and()
            .onComplete((box, id) -> Thread.currentThread().interrupt())
            .onError((box, id, stage, worker, cause, attempts) -> Thread.currentThread().interrupt())
            .build();
        pipeline.start();
        for (int i = 0; i < 300; i++)
        {
            pipeline.submit(new Box(i));
        }
        pipeline.close();

        assertThat(interruptedOnEntry.get()).as("tasks that started on an interrupted thread").isZero();
        assertThat(pipeline.metrics().completed() + pipeline.metrics().failed()).isEqualTo(300);
    }
}
