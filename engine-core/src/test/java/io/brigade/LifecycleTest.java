package io.brigade;

import io.brigade.balance.Balance;
import io.brigade.metrics.PipelineMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start, submit, back-pressure and close: every accepted task ends exactly once, nothing is
 * accepted after close starts, and close leaves no thread behind.
 */
class LifecycleTest
{
    static final class Item
    {
        final int index;

        Item(final int index)
        {
            this.index = index;
        }

        public String toString()
        {
            return "Item" + index;
        }
    }

    record Abandoned(int index, String stage, int worker, Throwable cause, int attempts)
    {
    }

    /**
     * A processor that parks inside task 0 until released, and records every task it sees.
     */
    static final class Gate
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Set<Integer> seen = ConcurrentHashMap.newKeySet();

        void process(final Item item) throws InterruptedException
        {
            seen.add(item.index);
            if (0 == item.index)
            {
                entered.countDown();
                assertThat(release.await(60, TimeUnit.SECONDS)).as("gate released").isTrue();
            }
        }

        void awaitEntered() throws InterruptedException
        {
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("task 0 entered the processor")
                .isTrue();
        }
    }

    @Test
    @Timeout(10)
    void shouldThrowWhenSubmittingBeforeStart()
    {
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-new")
            .stage("only", (Item item) -> {}).and()
            .build();

        assertThatThrownBy(() -> pipeline.submit(new Item(1)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("start()");
        assertThatThrownBy(() -> pipeline.trySubmit(new Item(1)))
            .isInstanceOf(IllegalStateException.class);
        assertThat(pipeline.close(1, TimeUnit.SECONDS)).isTrue();
        assertThat(pipeline.metrics().submitted()).isZero();
    }

    @Test
    @Timeout(10)
    void shouldThrowWhenStartedTwice()
    {
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-twice")
            .stage("only", (Item item) -> {}).and()
            .build();
        pipeline.start();

        assertThatThrownBy(pipeline::start).isInstanceOf(IllegalStateException.class);
        pipeline.close();
    }

    @Test
    @Timeout(20)
    void shouldReturnBackPressuredWhenFirstRingIsFull() throws InterruptedException
    {
        final Gate gate = new Gate();
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-bp")
            .stage("only", gate::process).ringSize(2).and()
            .onComplete((item, id) -> completed.add(item.index))
            .build();
        pipeline.start();

        assertThat(pipeline.trySubmit(new Item(0))).isGreaterThanOrEqualTo(0);
        gate.awaitEntered();
        assertThat(pipeline.trySubmit(new Item(1))).isGreaterThanOrEqualTo(0);
        assertThat(pipeline.trySubmit(new Item(2))).isGreaterThanOrEqualTo(0);
        assertThat(pipeline.trySubmit(new Item(3))).isEqualTo(Pipeline.BACK_PRESSURED);
        assertThat(pipeline.trySubmit(new Item(4))).isEqualTo(Pipeline.BACK_PRESSURED);
        gate.release.countDown();
        pipeline.close();

        assertThat(completed).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(gate.seen).containsExactlyInAnyOrder(0, 1, 2);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.submitted()).isEqualTo(5);
        assertThat(metrics.completed()).isEqualTo(3);
        assertThat(metrics.rejected()).isEqualTo(2);
        assertThat(metrics.inFlight()).isZero();
    }

    @Test
    @Timeout(10)
    void shouldReturnClosedWhenSubmittingAfterClose()
    {
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-after")
            .stage("only", (Item item) -> {}).and()
            .build();
        pipeline.start();
        pipeline.close();

        assertThat(pipeline.submit(new Item(1))).isEqualTo(Pipeline.CLOSED);
        assertThat(pipeline.trySubmit(new Item(2))).isEqualTo(Pipeline.CLOSED);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.rejected()).isEqualTo(2);
        assertThat(metrics.completed()).isZero();
        assertThat(metrics.inFlight()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldReturnClosedFromBlockedSubmitWhenCloseStarts() throws Exception
    {
        final Gate gate = new Gate();
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final Queue<Integer> failed = new ConcurrentLinkedQueue<>();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-blocked")
            .stage("only", gate::process).ringSize(2).and()
            .onComplete((item, id) -> completed.add(item.index))
            .onError((item, id, stage, worker, cause, attempts) -> failed.add(item.index))
            .build();
        pipeline.start();
        pipeline.submit(new Item(0));
        gate.awaitEntered();
        pipeline.submit(new Item(1));
        pipeline.submit(new Item(2));

        final ExecutorService helpers = Executors.newFixedThreadPool(2);
        try
        {
            final CountDownLatch submitting = new CountDownLatch(1);
            final AtomicInteger submitterParked = new AtomicInteger();
            final Thread[] submitter = new Thread[1];
            final Future<Long> blocked = helpers.submit(() ->
            {
                submitter[0] = Thread.currentThread();
                submitting.countDown();
                return pipeline.submit(new Item(3));
            });
            assertThat(submitting.await(10, TimeUnit.SECONDS)).isTrue();
            TestSupport.await(() ->
            {
                final Thread.State state = submitter[0].getState();
                if (Thread.State.TIMED_WAITING == state || Thread.State.WAITING == state)
                {
                    submitterParked.incrementAndGet();
                }
                return submitterParked.get() >= 3;
            }, 10_000, () -> "submitter to park on the full ring: " + submitter[0].getState());
            assertThat(blocked).isNotDone();

            final Future<?> closing = helpers.submit(() -> pipeline.close());

            assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(Pipeline.CLOSED);
            assertThat(closing).as("close waits for the task stuck in the processor").isNotDone();
            gate.release.countDown();
            closing.get(10, TimeUnit.SECONDS);
        }
        finally
        {
            gate.release.countDown();
            helpers.shutdownNow();
        }

        assertThat(gate.seen).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(completed).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(failed).isEmpty();
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.submitted()).isEqualTo(4);
        assertThat(metrics.rejected()).isEqualTo(1);
        assertThat(metrics.completed()).isEqualTo(3);
        assertThat(metrics.inFlight()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldDrainEveryAcceptedTaskWhenClosed()
    {
        final int tasks = 20_000;
        final Map<Integer, Integer> ends = new ConcurrentHashMap<>();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-drain")
            .stage("parse", (Item item) -> TestSupport.spinFor(item.index % 7 * 200L)).workers(2)
            .ringSize(64).and()
            .stage("seq", (Item item) -> {}).workers(2).ringSize(32).order(StageOrder.ORDERED)
            .reorderWindow(64).and()
            .stage("book", (Item item) -> TestSupport.spinFor(item.index % 5 * 300L)).workers(2)
            .ringSize(16).order(StageOrder.KEYED).key((item) -> item.index % 13).and()
            .onComplete((item, id) -> ends.merge(item.index, 1, Integer::sum))
            .onError((item, id, stage, worker, cause, attempts) ->
                ends.merge(item.index, 1, Integer::sum))
            .build();
        pipeline.start();
        for (int i = 0; i < tasks; i++)
        {
            assertThat(pipeline.submit(new Item(i))).isGreaterThanOrEqualTo(0);
        }

        assertThat(pipeline.close(20, TimeUnit.SECONDS)).isTrue();

        assertThat(ends).hasSize(tasks);
        assertThat(ends.values()).containsOnly(1);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.completed()).isEqualTo(tasks);
        assertThat(metrics.failed()).isZero();
        assertThat(metrics.inFlight()).isZero();
        assertThat(TestSupport.undrainedStages(pipeline)).isEmpty();
    }

    @Test
    @Timeout(30)
    void shouldEndEveryThreadWhenClosed()
    {
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-threads")
            .stage("parse", (Item item) -> {}).workers(2).and()
            .stage("weigh", (Item item) -> {}).workers(2)
            .balance(Balance.WEIGHTED_ROUND_ROBIN).and()
            .balancerPeriodNs(TimeUnit.MILLISECONDS.toNanos(5))
            .build();
        pipeline.start();
        for (int i = 0; i < 1000; i++)
        {
            pipeline.submit(new Item(i));
        }
        assertThat(TestSupport.liveThreadsNamed("life-threads-"))
            .extracting(Thread::getName)
            .containsExactlyInAnyOrder(
                "life-threads-parse-0", "life-threads-parse-1",
                "life-threads-weigh-0", "life-threads-weigh-1",
                "life-threads-control");

        assertThat(pipeline.close(20, TimeUnit.SECONDS)).isTrue();

        assertThat(TestSupport.liveThreadsNamed("life-threads-")).isEmpty();
    }

    /**
     * close() straight after start(), before the threads have had a chance to run, must still
     * end them all, the weighted balancer's control thread included. The window is small, so the
     * test runs 300 rounds and reports every thread left behind.
     */
    @Test
    @Timeout(60)
    void shouldEndEveryThreadWhenClosedRightAfterStart()
    {
        final List<String> leftBehind = new ArrayList<>();
        for (int round = 0; round < 300; round++)
        {
            final String name = "life-quick" + round;
            final Pipeline<Item> pipeline = Pipeline.<Item>builder(name)
                .stage("weigh", (Item item) -> {}).workers(2)
                .balance(Balance.WEIGHTED_ROUND_ROBIN).and()
                .build();
            pipeline.start();

            assertThat(pipeline.close(20, TimeUnit.SECONDS)).isTrue();

            TestSupport.liveThreadsNamed(name + "-")
                .forEach((thread) -> leftBehind.add(thread.getName()));
        }

        assertThat(leftBehind).as("threads alive when close() returned").isEmpty();
    }

    /**
     * An idle worker may be parked for up to idleMaxParkNs; close() must still end it, whatever
     * the configured park, and report a clean close once every task has ended.
     */
    @Test
    @Timeout(30)
    void shouldEndEveryThreadWhenIdleWorkersParkLongerThanCloseWaits()
    {
        final AtomicInteger completed = new AtomicInteger();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-sleepy")
            .stage("only", (Item item) -> {}).workers(2).and()
            .idleStrategy("sleep")
            .idleMaxParkNs(TimeUnit.MILLISECONDS.toNanos(2_500))
            .onComplete((item, id) -> completed.incrementAndGet())
            .build();
        pipeline.start();
        pipeline.submit(new Item(1));
        TestSupport.await(() -> 1 == completed.get(), 10_000, () -> "task to complete");

        final long startNs = System.nanoTime();
        final boolean clean = pipeline.close(20, TimeUnit.SECONDS);
        final long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final List<Thread> alive = TestSupport.liveThreadsNamed("life-sleepy-");

        TestSupport.await(() -> TestSupport.liveThreadsNamed("life-sleepy-").isEmpty(), 10_000,
            () -> "sleeping workers to end");
        assertThat(alive).as("threads alive when close returned after %d ms", closeMs).isEmpty();
        assertThat(clean).as("close(20 s) after %d ms with every task ended", closeMs).isTrue();
    }

    @Test
    @Timeout(10)
    void shouldDoNothingWhenClosedTwice()
    {
        final AtomicInteger completed = new AtomicInteger();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-close2")
            .stage("only", (Item item) -> {}).and()
            .onComplete((item, id) -> completed.incrementAndGet())
            .build();
        pipeline.start();
        pipeline.submit(new Item(1));

        assertThat(pipeline.close(20, TimeUnit.SECONDS)).isTrue();
        pipeline.close();
        assertThat(pipeline.close(1, TimeUnit.MILLISECONDS)).isTrue();

        assertThat(completed.get()).isEqualTo(1);
        assertThat(pipeline.metrics().completed()).isEqualTo(1);
    }

    /**
     * A timed close that runs out while task 0 is stuck in the processor reports every queued task
     * as abandoned. Accounting then sums except for task 0, which the engine cannot reach while
     * it is inside the processor: accepted == completed + failed + rejected + 1 until released;
     * once released, task 0 is reported as abandoned too.
     */
    @Test
    @Timeout(30)
    void shouldAbandonQueuedTasksWhenTimedCloseRunsOut() throws InterruptedException
    {
        final Gate gate = new Gate();
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final Queue<Abandoned> failed = new ConcurrentLinkedQueue<>();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-timed")
            .stage("only", gate::process).ringSize(8).and()
            .onComplete((item, id) -> completed.add(item.index))
            .onError((item, id, stage, worker, cause, attempts) ->
                failed.add(new Abandoned(item.index, stage, worker, cause, attempts)))
            .build();
        pipeline.start();
        pipeline.submit(new Item(0));
        gate.awaitEntered();
        for (int i = 1; i <= 5; i++)
        {
            pipeline.submit(new Item(i));
        }

        try
        {
            assertThat(pipeline.close(200, TimeUnit.MILLISECONDS)).isFalse();

            assertThat(failed).extracting(Abandoned::index)
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
            assertThat(failed).allSatisfy((abandoned) ->
            {
                assertThat(abandoned.stage()).isEqualTo("only");
                assertThat(abandoned.worker()).isEqualTo(TaskErrorHandler.NO_WORKER);
                assertThat(abandoned.attempts()).isZero();
                assertThat(abandoned.cause()).isInstanceOf(PipelineClosedException.class)
                    .hasMessageContaining("stage 'only'");
            });
            assertThat(completed).isEmpty();
            assertThat(gate.seen).containsExactly(0);
            final PipelineMetrics metrics = pipeline.metrics();
            assertThat(metrics.submitted()).isEqualTo(6);
            assertThat(metrics.failed()).isEqualTo(5);
            assertThat(metrics.submitted())
                .as("accepted == completed + failed + rejected + the one stuck in the processor")
                .isEqualTo(metrics.completed() + metrics.failed() + metrics.rejected() + 1);
            assertThat(pipeline.submit(new Item(9))).isEqualTo(Pipeline.CLOSED);
            assertThat(TestSupport.liveThreadsNamed("life-timed-")).extracting(Thread::getName)
                .containsExactly("life-timed-only-0");
        }
        finally
        {
            gate.release.countDown();
        }

        TestSupport.await(() -> TestSupport.liveThreadsNamed("life-timed-").isEmpty(), 10_000,
            () -> "stuck worker to end once released");
        assertThat(completed).as("a task that finishes after the close gave up is abandoned").isEmpty();
        assertThat(failed).extracting(Abandoned::index).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(pipeline.metrics().inFlight()).isZero();
    }

    /**
     * The pipeline Javadoc promises every accepted id ends exactly once. Here the stuck task is in
     * the first of two stages; once released after a timed close gave up, it must still end
     * (completed or reported), not vanish into the second stage's ring, whose worker is gone.
     */
    @Test
    @Timeout(30)
    void shouldEndStuckTaskExactlyOnceWhenReleasedAfterTimedClose() throws InterruptedException
    {
        final Gate gate = new Gate();
        final Map<Integer, Integer> ends = new ConcurrentHashMap<>();
        final Pipeline<Item> pipeline = Pipeline.<Item>builder("life-late")
            .stage("first", gate::process).and()
            .stage("second", (Item item) -> {}).and()
            .onComplete((item, id) -> ends.merge(item.index, 1, Integer::sum))
            .onError((item, id, stage, worker, cause, attempts) ->
                ends.merge(item.index, 1, Integer::sum))
            .build();
        pipeline.start();
        pipeline.submit(new Item(0));
        gate.awaitEntered();
        pipeline.submit(new Item(1));

        try
        {
            assertThat(pipeline.close(100, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(ends).containsExactly(Map.entry(1, 1));
        }
        finally
        {
            gate.release.countDown();
        }

        TestSupport.await(() -> TestSupport.liveThreadsNamed("life-late-").isEmpty(), 10_000,
            () -> "stuck worker to end once released");
        assertThat(ends)
            .as("task 0 ended exactly once after its processor returned; left in: %s",
                TestSupport.undrainedStages(pipeline))
            .containsEntry(0, 1);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.inFlight()).as("in flight after close, in %s", metrics).isZero();
    }
}
