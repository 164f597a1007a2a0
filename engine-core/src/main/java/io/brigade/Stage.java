package io.brigade;

import io.brigade.balance.Balance;
import io.brigade.balance.Balancer;
import io.brigade.balance.LoadView;
import io.brigade.balance.Weights;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * A running stage: its workers' rings, its steal queue, its reorder window or key stripes, and
 * the entry path every task takes into it.
 * <p>
 * Threading: {@link #dispatch} is called concurrently by the previous stage's workers (or by
 * submitting threads for the first stage); everything else is read-mostly after construction.
 */
final class Stage implements LoadView
{
    static final int OK = 0;
    static final int BACK_PRESSURED = 1;
    static final int CLOSED = 2;
    static final int FAILED = 3;
    static final int ABORTED = 4;

    final Pipeline<?> pipeline;
    final String name;
    final int index;
    final StageOrder order;
    final TaskRing[] rings;
    final Worker[] workers;
    final ReorderWindow window;
    final KeyStripes stripes;
    final StealQueue stealQueue;
    final boolean stealing;
    final long shedThreshold;
    final int stealBatch;
    final int stealAttempts;
    final int maxAttempts;
    final boolean weighted;
    final boolean spillWhenFull;
    final AtomicInteger idleWorkers = new AtomicInteger();
    final AtomicLong entryFailures = new AtomicLong();
    final Balancer externalBalancer;
    Stage next;

    private final ToLongFunction<Object> keyFunction;
    private final Supplier<Balancer> balancerFactory;
    private final Balance balance;
    private final int ringSize;
    private volatile int[] schedule;

    @SuppressWarnings("unchecked")
    <T> Stage(final Pipeline<T> pipeline, final int index, final StageBuilder<T> spec)
    {
        this.pipeline = pipeline;
        this.name = spec.name;
        this.index = index;
        this.order = spec.order;
        this.ringSize = spec.ringSize;
        this.maxAttempts = spec.maxAttempts;
        this.keyFunction = (ToLongFunction<Object>)spec.keyFunction;
        this.balance = null == spec.balancerFactory ? spec.effectiveBalance() : null;
        this.balancerFactory = null == spec.balancerFactory ? balance::newBalancer : spec.balancerFactory;
        this.weighted = Balance.WEIGHTED_ROUND_ROBIN == balance;
        this.spillWhenFull = Balance.ROUND_ROBIN == balance || weighted || Balance.LEAST_LOADED == balance;
        this.stealing = spec.stealing && spec.workers > 1;
        this.stealBatch = spec.stealBatch;
        this.stealAttempts = spec.stealAttempts;
        this.shedThreshold = Math.max(1, (long)Math.ceil(spec.stealThreshold * spec.ringSize));
        this.window = StageOrder.ORDERED == order ?
            new ReorderWindow(spec.reorderWindow, spec.maxInFlightSet ? spec.maxInFlight : spec.reorderWindow) : null;
        this.stripes = StageOrder.KEYED == order ? new KeyStripes(spec.keyStripes) : null;
        this.stealQueue = stealing ? new StealQueue(spec.stealQueueCapacity) : null;
        this.schedule = Weights.evenSchedule(spec.workers, scheduleLength(spec.workers));

        rings = new TaskRing[spec.workers];
        for (int i = 0; i < rings.length; i++)
        {
            rings[i] = new TaskRing(spec.ringSize);
        }
        workers = new Worker[spec.workers];
        externalBalancer = newBalancer();
    }

    static int scheduleLength(final int workers)
    {
        return Math.max(64, Integer.highestOneBit(workers * 16 - 1) << 1);
    }

    Balancer newBalancer()
    {
        final Balancer balancer = balancerFactory.get();
        if (null == balancer)
        {
            throw new IllegalArgumentException("stage '" + name + "': the balancer factory returned null");
        }

        return balancer;
    }

    String balanceName()
    {
        return null == balance ? "custom" : balance.name();
    }

    int ringSize()
    {
        return ringSize;
    }

    public int workers()
    {
        return rings.length;
    }

    public long backlog(final int worker)
    {
        return rings[worker].backlog();
    }

    public int[] schedule()
    {
        return schedule;
    }

    void schedule(final int[] schedule)
    {
        this.schedule = schedule;
    }

    /**
     * Hands a task into this stage: takes a window ticket (ORDERED), picks a worker, claims a slot
     * in its ring, fills it and publishes it.
     *
     * @param task     the caller's task.
     * @param taskId   its id.
     * @param submitNs when it was submitted.
     * @param nowNs    when it enters this stage.
     * @param producer the previous stage's worker handing it in, or null for an external submit.
     * @param wait     whether to wait for room; only external submits pass false.
     * @return {@link #OK}; {@link #FAILED} when the key function or balancer threw (already
     * reported); {@link #BACK_PRESSURED} or {@link #CLOSED} for an external submit that gave up;
     * {@link #ABORTED} when a timed close gave up on the pipeline.
     */
    int dispatch(
        final Object task,
        final long taskId,
        final long submitNs,
        final long nowNs,
        final Worker producer,
        final boolean wait)
    {
        long key = taskId;
        if (null != keyFunction)
        {
            try
            {
                key = keyFunction.applyAsLong(task);
            }
            catch (final Throwable ex)
            {
                return failOnEntry(task, taskId, ex);
            }
        }

        IdleStrategy waiter = null == producer ? null : producer.backpressureIdle;
        long ticket = -1;
        if (null != window)
        {
            ticket = window.tryAcquire();
            while (ticket < 0)
            {
                final int stop = stopWaiting(producer, wait);
                if (OK != stop)
                {
                    return stop;
                }
                waiter = pause(waiter);
                ticket = window.tryAcquire();
            }
            if (null != waiter)
            {
                waiter.reset();
            }
        }

        final int stripe = null == stripes ? -1 : stripes.stripeOf(key);
        final int workerCount = rings.length;
        int worker;
        long sequence;
        boolean waited = false;
        while (true)
        {
            if (stripe >= 0)
            {
                worker = stripe % workerCount;
                sequence = rings[worker].tryClaimSlot();
            }
            else
            {
                try
                {
                    final Balancer balancer = null == producer ? externalBalancer : producer.downstreamBalancer;
                    worker = Math.floorMod(balancer.select(key, this), workerCount);
                }
                catch (final Throwable ex)
                {
                    abandonTicket(ticket);
                    return failOnEntry(task, taskId, ex);
                }

                sequence = rings[worker].tryClaimSlot();
                // Strategies that only balance may take the next worker with room; key affinity
                // and custom balancers meant their choice, so they wait for it.
                for (int i = 1; sequence < 0 && spillWhenFull && i < workerCount; i++)
                {
                    final int other = (worker + i) % workerCount;
                    sequence = rings[other].tryClaimSlot();
                    if (sequence >= 0)
                    {
                        worker = other;
                    }
                }
            }

            if (sequence >= 0)
            {
                if (waited)
                {
                    waiter.reset();
                }
                break;
            }

            final int stop = stopWaiting(producer, wait);
            if (OK != stop)
            {
                abandonTicket(ticket);
                return stop;
            }

            if (!waited && null != producer)
            {
                producer.onBackpressure();
            }
            waited = true;
            waiter = pause(waiter);
        }

        final TaskRing ring = rings[worker];
        final TaskRecord slot = ring.slot(sequence);
        slot.task = task;
        slot.taskId = taskId;
        slot.submitNs = submitNs;
        slot.enterNs = nowNs;
        slot.ticket = ticket;
        slot.stripe = stripe;
        ring.publish(sequence);

        return OK;
    }

    private int failOnEntry(final Object task, final long taskId, final Throwable cause)
    {
        entryFailures.incrementAndGet();
        pipeline.reportFailure(task, taskId, this, TaskErrorHandler.NO_WORKER, cause, 0);

        return FAILED;
    }

    private void abandonTicket(final long ticket)
    {
        if (ticket >= 0)
        {
            // Not drained here: the caller may be an external thread. The stage's workers drain a
            // skipped head when they next finish a task or go idle.
            window.skip(ticket);
        }
    }

    private int stopWaiting(final Worker producer, final boolean wait)
    {
        if (pipeline.isAborting())
        {
            return ABORTED;
        }

        if (null == producer)
        {
            if (!wait)
            {
                return BACK_PRESSURED;
            }

            if (!pipeline.isAccepting())
            {
                return CLOSED;
            }
        }

        return OK;
    }

    private IdleStrategy pause(final IdleStrategy waiter)
    {
        // External submitters arrive on arbitrary threads, so their strategy is made on the first
        // wait: the slow path may allocate, the fast path never does.
        final IdleStrategy strategy = null == waiter ? pipeline.newBackpressureIdle() : waiter;
        strategy.idle();

        return strategy;
    }

    boolean isDrained()
    {
        for (final TaskRing ring : rings)
        {
            if (!ring.isDrained())
            {
                return false;
            }
        }

        return (null == stealQueue || 0 == stealQueue.surplus()) &&
            (null == window || 0 == window.occupancy()) &&
            (null == stripes || stripes.isIdle());
    }
}
