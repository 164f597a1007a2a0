package io.brigade;

import io.brigade.metrics.StageMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once the handler that ends a task returns, the engine keeps no strong reference to it: ring
 * slots, steal carriers, window slots and a worker's task in hand are all cleared. Each test keeps
 * the pipeline running (so its structures are alive) and runs GC until the tasks are collected.
 */
class PayloadReleaseTest
{
    private static final long COLLECT_TIMEOUT_MS = 20_000;

    static final class Payload
    {
        final int index;
        final byte[] ballast = new byte[256];

        Payload(final int index)
        {
            this.index = index;
        }

        public String toString()
        {
            return "Payload" + index;
        }
    }

    @Test
    @Timeout(60)
    void shouldHoldNoReferenceWhenTaskCompleted()
    {
        final AtomicInteger ended = new AtomicInteger();
        final Pipeline<Payload> pipeline = Pipeline.<Payload>builder("rel-done")
            .stage("only", (Payload p) -> {}).workers(2).and()
            .onComplete((p, id) -> ended.incrementAndGet())
            .build();
        pipeline.start();
        try
        {
            final List<WeakReference<Payload>> refs = submitTracked(pipeline, 200);
            awaitEnded(ended, 200);

            TestSupport.awaitCollected(refs, COLLECT_TIMEOUT_MS);
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldHoldNoReferenceWhenTaskFailed()
    {
        final AtomicInteger ended = new AtomicInteger();
        final Pipeline<Payload> pipeline = Pipeline.<Payload>builder("rel-failed")
            .stage("first", (Payload p) -> {}).and()
            .stage("broken", (Payload p) ->
            {
                throw new IllegalStateException("always");
            }).workers(2).maxAttempts(2).and()
            .onError((p, id, stage, worker, cause, attempts) -> ended.incrementAndGet())
            .build();
        pipeline.start();
        try
        {
            final List<WeakReference<Payload>> refs = submitTracked(pipeline, 200);
            awaitEnded(ended, 200);

            TestSupport.awaitCollected(refs, COLLECT_TIMEOUT_MS);
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldHoldNoReferenceWhenTaskWasShedOrStolen()
    {
        final AtomicInteger ended = new AtomicInteger();
        final Pipeline<Payload> pipeline = Pipeline.<Payload>builder("rel-stolen")
            .stagePerWorker("skew", PayloadReleaseTest::slowOnWorkerZero).workers(4).ringSize(64)
            .balancer(() -> (key, load) -> 0).stealThreshold(0.5).stealBatch(8).and()
            .onComplete((p, id) -> ended.incrementAndGet())
            .build();
        pipeline.start();
        try
        {
            final List<WeakReference<Payload>> refs = submitTracked(pipeline, 2_000);
            awaitEnded(ended, 2_000);

            final StageMetrics skew = pipeline.metrics().stage("skew");
            assertThat(skew.tasksStolen()).as("tasks stolen").isPositive();
            assertThat(skew.tasksShed()).as("tasks shed").isPositive();
            TestSupport.awaitCollected(refs, COLLECT_TIMEOUT_MS);
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldHoldNoReferenceWhenTaskPassedOrderedWindowAndKeyedStage()
    {
        final AtomicInteger ended = new AtomicInteger();
        final Pipeline<Payload> pipeline = Pipeline.<Payload>builder("rel-order")
            .stagePerWorker("skew", PayloadReleaseTest::slowOnWorkerZero).workers(4).ringSize(64)
            .balancer(() -> (key, load) -> 0).stealBatch(8).and()
            .stage("seq", (Payload p) ->
            {
                if (0 == p.index % 50)
                {
                    throw new IllegalStateException("gap in the window");
                }
            }).workers(2).ringSize(16).order(StageOrder.ORDERED).reorderWindow(64).and()
            .stage("book", (Payload p) -> {}).workers(2).ringSize(16).order(StageOrder.KEYED)
            .key((p) -> p.index % 5).and()
            .onComplete((p, id) -> ended.incrementAndGet())
            .onError((p, id, stage, worker, cause, attempts) -> ended.incrementAndGet())
            .build();
        pipeline.start();
        try
        {
            final List<WeakReference<Payload>> refs = submitTracked(pipeline, 2_000);
            awaitEnded(ended, 2_000);

            assertThat(pipeline.metrics().failed()).isEqualTo(40);
            TestSupport.awaitCollected(refs, COLLECT_TIMEOUT_MS);
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldHoldNoReferenceWhenTimedCloseAbandonedTask() throws InterruptedException
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger abandoned = new AtomicInteger();
        final Pipeline<Payload> pipeline = Pipeline.<Payload>builder("rel-abandon")
            .stage("seq", (Payload p) ->
            {
                if (0 == p.index)
                {
                    entered.countDown();
                    release.await(60, TimeUnit.SECONDS);
                }
            }).workers(2).order(StageOrder.ORDERED).reorderWindow(64).and()
            .onError((p, id, stage, worker, cause, attempts) -> abandoned.incrementAndGet())
            .build();
        pipeline.start();
        try
        {
            pipeline.submit(new Payload(0));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            final List<WeakReference<Payload>> refs = submitTracked(pipeline, 1, 40);
            TestSupport.await(() -> 39 == pipeline.metrics().stage("seq").processed(), 10_000,
                () -> "tasks 1..39 to be run and parked behind task 0");

            assertThat(pipeline.close(100, TimeUnit.MILLISECONDS)).isFalse();

            assertThat(abandoned.get()).isEqualTo(39);
            TestSupport.awaitCollected(refs, COLLECT_TIMEOUT_MS);
        }
        finally
        {
            release.countDown();
        }
    }

    private static Processor<Payload> slowOnWorkerZero(final int worker)
    {
        if (0 == worker)
        {
            return (p) -> LockSupport.parkNanos(50_000);
        }

        return (p) -> {};
    }

    private static void awaitEnded(final AtomicInteger ended, final int expected)
    {
        TestSupport.await(() -> expected == ended.get(), 20_000,
            () -> ended.get() + " of " + expected + " ended");
    }

    private static List<WeakReference<Payload>> submitTracked(
        final Pipeline<Payload> pipeline,
        final int count)
    {
        return submitTracked(pipeline, 0, count);
    }

    /**
     * Makes and submits tasks, keeping only weak references: no frame of the test thread holds a
     * task once this returns.
     */
    private static List<WeakReference<Payload>> submitTracked(
        final Pipeline<Payload> pipeline,
        final int from,
        final int to)
    {
        final List<WeakReference<Payload>> refs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++)
        {
            final Payload payload = new Payload(i);
            refs.add(new WeakReference<>(payload));
            assertThat(pipeline.submit(payload)).isGreaterThanOrEqualTo(0);
        }

        return refs;
    }
}
