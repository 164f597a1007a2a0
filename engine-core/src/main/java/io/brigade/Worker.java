package io.brigade;

import io.brigade.balance.Balancer;
import io.brigade.metrics.WorkerCounter;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One cook: a thread that owns a ring, runs its stage's processor on each task and hands the task
 * on. When its ring is empty it steals: first from the stage's steal queue, then straight from the
 * head of a sibling's ring (the only way to reach tasks queued behind a sibling that is stuck in a
 * long task). When its ring is deep, or a sibling is idle, it sheds its oldest waiting tasks into
 * the steal queue.
 * <p>
 * Threading: {@link #run()} and everything it calls run on the worker's own thread; counters and
 * recorders are written only by it.
 */
final class Worker implements Runnable, ReorderWindow.Emitter
{
    /** Every this many tasks, look at the steal queue first, so surplus never starves. */
    private static final int FAIRNESS_MASK = 63;

    final Pipeline<?> pipeline;
    final Stage stage;
    final int index;
    final String roleName;
    final IdleStrategy backpressureIdle;
    final WorkerLatencies latencies = new WorkerLatencies();
    final AtomicCounter[] counters;
    Balancer downstreamBalancer;

    private final TaskRing ring;
    private final Processor<Object> processor;
    private final IdleStrategy idleStrategy;
    private final TaskRecord current = new TaskRecord();
    private final TaskRecord[] carriers;
    private final AtomicCounter processed;
    private final AtomicCounter failed;
    private final AtomicCounter retries;
    private final AtomicCounter completed;
    private final AtomicCounter stealAttempts;
    private final AtomicCounter stealSuccesses;
    private final AtomicCounter tasksStolen;
    private final AtomicCounter tasksShed;
    private final AtomicCounter siblingClaims;
    private final AtomicCounter backpressureWaits;
    private final AtomicCounter busyNs;
    private volatile boolean running = true;
    private boolean idle;
    private int tick;
    private int victimOffset;

    Worker(
        final Pipeline<?> pipeline,
        final Stage stage,
        final int index,
        final Processor<Object> processor,
        final IdleStrategy idleStrategy,
        final IdleStrategy backpressureIdle,
        final AtomicCounter[] counters)
    {
        this.pipeline = pipeline;
        this.stage = stage;
        this.index = index;
        this.ring = stage.rings[index];
        this.processor = processor;
        this.idleStrategy = idleStrategy;
        this.backpressureIdle = backpressureIdle;
        this.counters = counters;
        this.roleName = pipeline.name() + "-" + stage.name + "-" + index;
        this.carriers = new TaskRecord[stage.stealBatch];
        this.victimOffset = index;
        processed = counters[WorkerCounter.TASKS_PROCESSED.ordinal()];
        failed = counters[WorkerCounter.TASKS_FAILED.ordinal()];
        retries = counters[WorkerCounter.RETRIES.ordinal()];
        completed = counters[WorkerCounter.TASKS_COMPLETED.ordinal()];
        stealAttempts = counters[WorkerCounter.STEAL_ATTEMPTS.ordinal()];
        stealSuccesses = counters[WorkerCounter.STEAL_SUCCESSES.ordinal()];
        tasksStolen = counters[WorkerCounter.TASKS_STOLEN.ordinal()];
        tasksShed = counters[WorkerCounter.TASKS_SHED.ordinal()];
        siblingClaims = counters[WorkerCounter.SIBLING_CLAIMS.ordinal()];
        backpressureWaits = counters[WorkerCounter.BACKPRESSURE_WAITS.ordinal()];
        busyNs = counters[WorkerCounter.BUSY_NS.ordinal()];
    }

    public void run()
    {
        while (running)
        {
            int work = 0;
            try
            {
                work = doWork();
            }
            catch (final Throwable ex)
            {
                pipeline.onEngineError(ex);
            }

            // User code runs on this thread (processors, handlers, key functions, balancers); an
            // interrupt it leaves behind would make every park return at once and spin the loop.
            Thread.interrupted();
            idleStrategy.idle(work);
        }
    }

    void stop()
    {
        running = false;
    }

    long completed()
    {
        return completed.get();
    }

    long failed()
    {
        return failed.get();
    }

    /**
     * One turn of the loop.
     *
     * @return 1 when a task ran, 0 when there was nothing to do.
     */
    int doWork()
    {
        if (pipeline.isAborting())
        {
            return 0;
        }

        if (takeTask())
        {
            return runCurrent();
        }

        final ReorderWindow window = stage.window;
        if (null != window && window.isHeadParked())
        {
            // A ticket skipped by a submitter that gave up is drained by no one else.
            window.drain(this);
        }

        if (!idle)
        {
            idle = true;
            stage.idleWorkers.incrementAndGet();
        }

        return 0;
    }

    /**
     * Puts the next task into {@link #current}: from the steal queue on a fairness turn, else from
     * this worker's ring, else stolen.
     *
     * @return whether there is a task to run.
     */
    private boolean takeTask()
    {
        final StealQueue stealQueue = stage.stealQueue;
        if (null != stealQueue && 0 == (++tick & FAIRNESS_MASK) && stealQueue.surplus() > 0 &&
            stealQueue.poll(current))
        {
            tasksStolen.incrementRelease();
            return true;
        }

        if (takeFrom(ring))
        {
            if (null != stealQueue)
            {
                shedIfOverloaded();
            }
            return true;
        }

        if (null != stealQueue && steal())
        {
            tasksStolen.incrementRelease();
            return true;
        }

        return false;
    }

    private void shedIfOverloaded()
    {
        final long backlog = ring.backlog();
        if (backlog <= 0)
        {
            return;
        }

        final int batch = stage.stealBatch;
        int count = 0;
        if (backlog >= stage.shedThreshold)
        {
            count = batch;
        }
        else
        {
            final int idleSiblings = stage.idleWorkers.get();
            if (idleSiblings > 0 && stage.stealQueue.surplus() < (long)idleSiblings * batch)
            {
                count = (int)Math.min(batch, (backlog + 1) / 2);
            }
        }

        if (count > 0)
        {
            shed(count);
        }
    }

    private void shed(final int count)
    {
        final StealQueue stealQueue = stage.stealQueue;
        final int borrowed = stealQueue.borrow(carriers, count);
        if (0 == borrowed)
        {
            return;
        }

        final int taken = null == stage.stripes ?
            ring.takeBatch(borrowed, carriers) :
            ring.takeBatchKeyed(borrowed, carriers, stage.stripes);
        stealQueue.giveBack(carriers, taken, borrowed);
        if (taken > 0)
        {
            stealQueue.offer(carriers, taken);
            tasksShed.getAndAddRelease(taken);
        }
    }

    /**
     * Takes the head task of a ring into {@link #current}. In a KEYED stage, head tasks whose key
     * is running are parked with the key's holder on the way.
     *
     * @param from the ring, this worker's or a sibling's.
     * @return whether a task was taken.
     */
    private boolean takeFrom(final TaskRing from)
    {
        final KeyStripes stripes = stage.stripes;
        if (null == stripes)
        {
            final long sequence = from.claim();
            if (sequence < 0)
            {
                return false;
            }

            from.take(sequence, current);
            return true;
        }

        int result;
        do
        {
            result = from.takeKeyed(current, stripes);
        }
        while (TaskRing.PARKED == result);

        return TaskRing.TAKEN == result;
    }

    private boolean steal()
    {
        final StealQueue stealQueue = stage.stealQueue;
        if (stealQueue.surplus() > 0)
        {
            stealAttempts.incrementRelease();
            for (int i = 0; i < stage.stealAttempts; i++)
            {
                if (stealQueue.poll(current))
                {
                    stealSuccesses.incrementRelease();
                    return true;
                }
                Thread.onSpinWait();
            }
        }

        final TaskRing[] rings = stage.rings;
        final int count = rings.length;
        victimOffset++;
        for (int i = 0; i < count; i++)
        {
            final int victim = Math.floorMod(victimOffset + i, count);
            if (victim == index || rings[victim].backlog() <= 0)
            {
                continue;
            }

            stealAttempts.incrementRelease();
            if (takeFrom(rings[victim]))
            {
                siblingClaims.incrementRelease();
                stealSuccesses.incrementRelease();
                return true;
            }
        }

        return false;
    }

    private int runCurrent()
    {
        if (idle)
        {
            idle = false;
            stage.idleWorkers.decrementAndGet();
        }

        final KeyStripes stripes = stage.stripes;
        boolean more;
        do
        {
            try
            {
                runOne();
            }
            catch (final Throwable ex)
            {
                pipeline.onEngineError(ex);
            }

            // Released only once the task has been handed on, so the next task of its key cannot
            // overtake it downstream. A successor parked meanwhile runs next, on this thread,
            // with the stripe still held.
            more = null != stripes && stripes.release(current.stripe, current);
        }
        while (more);

        return 1;
    }

    private void runOne()
    {
        final TaskRecord record = current;
        final Object task = record.task;
        final int maxAttempts = stage.maxAttempts;
        final long startNs = System.nanoTime();
        Throwable failure;
        int attempts = 0;
        do
        {
            attempts++;
            failure = null;
            try
            {
                processor.process(task);
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }
        while (null != failure && attempts < maxAttempts);

        // A processor that leaves its thread interrupted must not end the worker's loop.
        Thread.interrupted();

        final long endNs = System.nanoTime();
        busyNs.getAndAddRelease(endNs - startNs);
        latencies.recordTask(endNs - record.enterNs, endNs - startNs);
        if (attempts > 1)
        {
            retries.getAndAddRelease(attempts - 1);
        }

        final int stripe = record.stripe;
        try
        {
            if (null == failure)
            {
                processed.incrementRelease();
                if (pipeline.isAborting())
                {
                    // The processor returned after a timed close gave up: no thread serves the
                    // stages ahead, and the close has already swept them.
                    pipeline.abandon(record, stage, "finished stage '" + stage.name + "' after the close gave up");
                }
                else if (null != stage.window)
                {
                    stage.window.complete(record.ticket, record);
                    stage.window.drain(this);
                }
                else
                {
                    deliver(record, endNs);
                }
            }
            else
            {
                failed.incrementRelease();
                try
                {
                    pipeline.reportFailure(task, record.taskId, stage, index, failure, attempts);
                }
                finally
                {
                    // The gap must be skipped whatever reporting did, or the window stalls.
                    if (null != stage.window && !pipeline.isAborting())
                    {
                        stage.window.skip(record.ticket);
                        stage.window.drain(this);
                    }
                }
            }
        }
        finally
        {
            record.clear();
            record.stripe = stripe;
        }
    }

    /**
     * Called by the reorder window, in ticket order, with this worker as the emitter.
     *
     * @param record the task to hand on.
     */
    public void emit(final TaskRecord record)
    {
        deliver(record, System.nanoTime());
    }

    private void deliver(final TaskRecord record, final long nowNs)
    {
        final Stage next = stage.next;
        if (pipeline.isAborting())
        {
            // After a timed close gave up, what was not yet completed is abandoned, even here.
            pipeline.abandon(record, null == next ? stage : next, null == next ?
                "had passed every stage when the close gave up" :
                "was about to enter stage '" + next.name + "' when the close gave up");
            return;
        }

        if (null == next)
        {
            complete(record, nowNs);
            return;
        }

        final int result = next.dispatch(record.task, record.taskId, record.submitNs, nowNs, this, true);
        if (Stage.ABORTED == result)
        {
            pipeline.abandon(record, next, "was waiting to enter stage '" + next.name + "'");
        }
    }

    private void complete(final TaskRecord record, final long nowNs)
    {
        try
        {
            pipeline.onComplete(record.task, record.taskId);
            completed.incrementRelease();
            latencies.recordEndToEnd(nowNs - record.submitNs);
        }
        catch (final Throwable ex)
        {
            failed.incrementRelease();
            pipeline.reportFailure(record.task, record.taskId, stage, index, ex, 1);
        }
    }

    void onBackpressure()
    {
        backpressureWaits.incrementRelease();
    }
}
