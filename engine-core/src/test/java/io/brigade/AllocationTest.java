package io.brigade;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In steady state the engine allocates nothing per task on its worker threads. Measured with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, which counts every byte a
 * thread allocates on the heap (TLAB and outside), for the pipeline's worker threads found by
 * name, over a third pass of preallocated tasks after two warm-up passes. What it does not see:
 * allocation on other threads (the submitting thread is printed, not asserted), off-heap memory,
 * and allocation the JIT removed by escape analysis (which is the point: what is left is real).
 * The processors and handlers here allocate nothing, so whatever is counted is the engine's.
 */
class AllocationTest
{
    private static final int TASKS = 200_000;
    private static final double MAX_BYTES_PER_TASK = 1.0;

    static final class Box
    {
        final long key;
        long value;

        Box(final int index)
        {
            key = index & 63;
        }
    }

    @Test
    @Timeout(120)
    void shouldAllocateAlmostNothingPerTaskOnWorkerThreads()
    {
        final Box[] boxes = new Box[TASKS];
        for (int i = 0; i < TASKS; i++)
        {
            boxes[i] = new Box(i);
        }
        final AtomicLong completed = new AtomicLong();
        final Pipeline<Box> pipeline = Pipeline.<Box>builder("alloc")
            .stage("parse", (Box box) -> box.value++).workers(2).ringSize(256).and()
            .stage("seq", (Box box) -> box.value += 2).workers(2).ringSize(256)
            .order(StageOrder.ORDERED).reorderWindow(512).and()
            .stage("book", (Box box) -> box.value += 3).workers(2).ringSize(256)
            .order(StageOrder.KEYED).key((box) -> box.key).and()
            .onComplete((box, id) -> completed.incrementAndGet())
            .build();
        pipeline.start();

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        try
        {
            runPass(pipeline, boxes, completed, TASKS);
            runPass(pipeline, boxes, completed, 2L * TASKS);

            final List<Thread> workers = TestSupport.liveThreadsNamed("alloc-");
            assertThat(workers).hasSize(6);
            final long[] ids = workers.stream().mapToLong(Thread::getId).toArray();
            final long submitterBefore = threads.getCurrentThreadAllocatedBytes();
            final long[] before = threads.getThreadAllocatedBytes(ids);

            runPass(pipeline, boxes, completed, 3L * TASKS);

            final long[] after = threads.getThreadAllocatedBytes(ids);
            final long submitterBytes = threads.getCurrentThreadAllocatedBytes() - submitterBefore;
            final Map<String, Long> perThread = new LinkedHashMap<>();
            long total = 0;
            for (int i = 0; i < ids.length; i++)
            {
                perThread.put(workers.get(i).getName(), after[i] - before[i]);
                total += after[i] - before[i];
            }
            final double perTask = (double)total / TASKS;
            System.out.printf("AllocationTest: workers %d bytes for %d tasks (%.3f per task) %s;" +
                " submitting thread %d bytes (not asserted; includes the test's own waits)%n",
                total, TASKS, perTask, perThread, submitterBytes);

            assertThat(perTask).as("bytes allocated per task on worker threads: %s", perThread)
                .isLessThan(MAX_BYTES_PER_TASK);
        }
        finally
        {
            pipeline.close();
        }
    }

    private static void runPass(
        final Pipeline<Box> pipeline,
        final Box[] boxes,
        final AtomicLong completed,
        final long expectedTotal)
    {
        for (final Box box : boxes)
        {
            pipeline.submit(box);
        }
        TestSupport.await(() -> expectedTotal == completed.get(), 60_000,
            () -> completed.get() + " of " + expectedTotal + " completed");
    }
}
