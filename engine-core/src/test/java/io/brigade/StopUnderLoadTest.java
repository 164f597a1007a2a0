package io.brigade;

import io.brigade.metrics.PipelineMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue requirement: close() while eight producers submit as fast as they can. Every id a submit
 * returned must end exactly once, no task refused at close may run, nothing may be left in a ring,
 * steal queue, reorder window or key stripe, and the accounting must sum. Fifty rounds, each with
 * close() called 100 ms after the producers start.
 * <p>
 * The pipeline is small on purpose: an ORDERED stage of two workers, then a KEYED stage of two
 * workers keyed by producer, so each producer's tasks must also complete in its submission order.
 */
class StopUnderLoadTest
{
    private static final int ROUNDS = 50;
    private static final int PRODUCERS = 8;
    private static final long CLOSE_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final AtomicIntegerFieldUpdater<Task> ENDS =
        AtomicIntegerFieldUpdater.newUpdater(Task.class, "ends");
    private static final AtomicIntegerFieldUpdater<Task> RUNS_A =
        AtomicIntegerFieldUpdater.newUpdater(Task.class, "runsA");
    private static final AtomicIntegerFieldUpdater<Task> RUNS_B =
        AtomicIntegerFieldUpdater.newUpdater(Task.class, "runsB");

    static final class Task
    {
        final int producer;
        final int sequence;
        long submitId = Long.MIN_VALUE;
        volatile long endedId = Long.MIN_VALUE;
        volatile int ends;
        volatile int runsA;
        volatile int runsB;

        Task(final int producer, final int sequence)
        {
            this.producer = producer;
            this.sequence = sequence;
        }

        public String toString()
        {
            return "Task[producer=" + producer + " seq=" + sequence + " submitId=" + submitId +
                " endedId=" + endedId + " ends=" + ends + " runsA=" + runsA + " runsB=" + runsB +
                "]";
        }
    }

    static final class Producer implements Runnable
    {
        final int index;
        final Pipeline<Task> pipeline;
        final CountDownLatch go;
        final List<Task> accepted = new ArrayList<>();
        Task refused;
        long unexpected;

        Producer(final int index, final Pipeline<Task> pipeline, final CountDownLatch go)
        {
            this.index = index;
            this.pipeline = pipeline;
            this.go = go;
        }

        public void run()
        {
            try
            {
                go.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }

            for (int sequence = 0; ; sequence++)
            {
                final Task task = new Task(index, sequence);
                final long id = pipeline.submit(task);
                task.submitId = id;
                if (id >= 0)
                {
                    accepted.add(task);
                }
                else
                {
                    if (Pipeline.CLOSED != id)
                    {
                        unexpected = id;
                    }
                    refused = task;
                    return;
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldEndEveryAcceptedTaskExactlyOnceWhenClosedDuringHeavySubmission()
        throws InterruptedException
    {
        final List<String> summaries = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++)
        {
            summaries.add(runRound(round));
        }
        System.out.println("StopUnderLoadTest accepted per round: " + summaries);
    }

    private static String runRound(final int round) throws InterruptedException
    {
        final String name = "halt" + round;
        // Even rounds: the window is the bottleneck, so producers wait for a ticket. Odd rounds:
        // the window is far larger than the rings, so producers hold a ticket while they wait for
        // a ring slot and must give it back when close() refuses them.
        final int ringSize = 0 == (round & 1) ? 64 : 16;
        final int window = 0 == (round & 1) ? 128 : 512;
        final AtomicLong outOfOrder = new AtomicLong();
        final int[] lastSequence = new int[PRODUCERS];
        Arrays.fill(lastSequence, -1);
        final Pipeline<Task> pipeline = Pipeline.<Task>builder(name)
            .stage("seq", (Task task) ->
            {
                RUNS_A.incrementAndGet(task);
                if (0 == (task.sequence & 255))
                {
                    TestSupport.spinFor(20_000);
                }
            }).workers(2).ringSize(ringSize).order(StageOrder.ORDERED).reorderWindow(window).and()
            .stage("book", (Task task) -> RUNS_B.incrementAndGet(task)).workers(2).ringSize(64)
            .order(StageOrder.KEYED).key((task) -> task.producer).and()
            .onComplete((task, id) ->
            {
                // Calls for one key come one at a time (the KEYED stage holds the key's stripe).
                if (task.sequence <= lastSequence[task.producer])
                {
                    outOfOrder.incrementAndGet();
                }
                lastSequence[task.producer] = task.sequence;
                task.endedId = id;
                ENDS.incrementAndGet(task);
            })
            .onError((task, id, stage, worker, cause, attempts) ->
            {
                task.endedId = id;
                ENDS.incrementAndGet(task);
            })
            .build();
        pipeline.start();

        final CountDownLatch go = new CountDownLatch(1);
        final Producer[] producers = new Producer[PRODUCERS];
        final Thread[] threads = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++)
        {
            producers[p] = new Producer(p, pipeline, go);
            threads[p] = new Thread(producers[p], "producer-" + round + "-" + p);
            threads[p].start();
        }

        final long closeAtNs = System.nanoTime() + CLOSE_AFTER_NS;
        go.countDown();
        while (System.nanoTime() - closeAtNs < 0)
        {
            LockSupport.parkNanos(closeAtNs - System.nanoTime());
        }
        final boolean clean = pipeline.close(30, TimeUnit.SECONDS);

        for (final Thread thread : threads)
        {
            thread.join(10_000);
            assertThat(thread.isAlive())
                .as("round %d: %s still submitting after close", round, thread)
                .isFalse();
        }

        assertThat(clean).as("round %d: close drained and ended every thread", round).isTrue();
        long acceptedCount = 0;
        final List<Long> ids = new ArrayList<>();
        for (final Producer producer : producers)
        {
            assertThat(producer.unexpected).as("round %d: unexpected submit result", round)
                .isZero();
            assertThat(producer.refused)
                .as("round %d: producer %d was refused", round, producer.index)
                .isNotNull();
            assertThat(producer.refused.ends + producer.refused.runsA + producer.refused.runsB)
                .as("round %d: refused %s was never run nor ended", round, producer.refused)
                .isZero();
            for (final Task task : producer.accepted)
            {
                if (1 != task.ends || task.endedId != task.submitId || 1 != task.runsA ||
                    1 != task.runsB)
                {
                    throw new AssertionError("round " + round +
                        ": accepted task did not end exactly once: " + task + "; " +
                        TestSupport.undrainedStages(pipeline));
                }
                ids.add(task.submitId);
            }
            acceptedCount += producer.accepted.size();
        }

        assertThat(ids).as("round %d: ids are unique", round).doesNotHaveDuplicates();
        assertThat(outOfOrder.get()).as("round %d: per-producer completion order", round).isZero();
        assertThat(TestSupport.undrainedStages(pipeline)).as("round %d: leftovers", round)
            .isEmpty();
        assertThat(TestSupport.liveThreadsNamed(name + "-")).as("round %d: threads", round)
            .isEmpty();

        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.completed()).as("round %d: %s", round, metrics).isEqualTo(acceptedCount);
        assertThat(metrics.failed()).as("round %d: %s", round, metrics).isZero();
        assertThat(metrics.rejected()).as("round %d: %s", round, metrics).isEqualTo(PRODUCERS);
        assertThat(metrics.submitted()).as("round %d: %s", round, metrics)
            .isEqualTo(metrics.completed() + metrics.failed() + metrics.rejected());
        assertThat(pipeline.engineErrors()).isZero();

        return Long.toString(acceptedCount);
    }
}
