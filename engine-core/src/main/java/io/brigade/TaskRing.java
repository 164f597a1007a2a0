package io.brigade;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's ring: a Disruptor multi-producer {@link RingBuffer} of preallocated slots whose head
 * can be claimed by more than one thread.
 * <p>
 * Producers use the Disruptor's claim-and-publish protocol. Consumers claim from the head with a
 * compare-and-set, one slot or a short run at a time, so the owning worker, a sibling shedding on
 * its behalf and a thief can all take from the same ring and every slot is taken exactly once, in
 * sequence order. A consumer copies a claimed slot out, clears its payload and marks it freed; the
 * gating sequence advances over every contiguous freed slot, whoever freed it, so producers can
 * reuse slots even while the owner is stuck inside a long task.
 * <pre>
 *   released        head                    cursor
 *      |             |                        |
 *   ...[freed][freed][waiting][waiting][waiting]...
 *      &lt;- gates producers          published slots -&gt;
 * </pre>
 * Threading: every method is safe from any thread.
 */
final class TaskRing
{
    /** {@link #claim()} and {@link #takeKeyed}: no published task at the head. */
    static final long EMPTY = -1;

    /** {@link #takeKeyed}: the head's key is held and already has a successor parked. */
    static final long BLOCKED = -2;

    /** {@link #takeKeyed}: a task was taken into the destination. */
    static final int TAKEN = 1;

    /** {@link #takeKeyed}: the head task was parked as its key's successor. */
    static final int PARKED = 2;

    private final RingBuffer<Slot> ring;
    private final Sequence head = new Sequence(0);
    private final Sequence released = new Sequence(-1);

    TaskRing(final int size)
    {
        // No consumer ever waits on the Disruptor's wait strategy; busy-spin is chosen because its
        // publish-side signal is a no-op, where the default blocking strategy takes a lock.
        ring = RingBuffer.createMultiProducer(Slot::new, size, new BusySpinWaitStrategy());
        ring.addGatingSequences(released);
    }

    /**
     * Tasks published or being published and not yet claimed. A snapshot for decisions, never exact
     * under concurrency.
     *
     * @return the backlog, never negative.
     */
    long backlog()
    {
        final long h = head.get();
        final long backlog = ring.getCursor() + 1 - h;

        return Math.max(0, backlog);
    }

    /**
     * Producer side: claims a slot to fill, without waiting.
     *
     * @return the sequence to fill and {@link #publish(long)}, or -1 when the ring is full.
     */
    long tryClaimSlot()
    {
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    TaskRecord slot(final long sequence)
    {
        return ring.get(sequence);
    }

    /**
     * Makes a filled slot visible to consumers. Must follow every successful {@link #tryClaimSlot()}:
     * a claimed slot that is never published stalls every consumer behind it.
     *
     * @param sequence the claimed sequence.
     */
    void publish(final long sequence)
    {
        ring.publish(sequence);
    }

    /**
     * Claims the head slot.
     *
     * @return the claimed sequence, to be passed to {@link #take(long, TaskRecord)}, or {@link #EMPTY}.
     */
    long claim()
    {
        while (true)
        {
            final long h = head.get();
            if (!ring.isAvailable(h))
            {
                return EMPTY;
            }

            if (head.compareAndSet(h, h + 1))
            {
                return h;
            }
        }
    }

    /**
     * Keyed take: claims the head slot for a task whose key stripe is free, or parks it as its
     * stripe's successor when the stripe is held, so that tasks of other keys behind it are not
     * held up. Claims happen in ring order, so tasks of one key are claimed, and run, in order.
     *
     * @param destination receives the task on {@link #TAKEN}; the caller then holds its stripe and
     *                    must release it with {@link KeyStripes#release(int, TaskRecord)}.
     * @param stripes     the stage's key stripes.
     * @return {@link #TAKEN}; {@link #PARKED} when the head task was parked with the holder of its
     * key (call again for the next); {@link #EMPTY}; or {@link #BLOCKED} when the head's key is
     * held and already has a successor parked.
     */
    int takeKeyed(final TaskRecord destination, final KeyStripes stripes)
    {
        while (true)
        {
            final long h = head.get();
            if (!ring.isAvailable(h))
            {
                return (int)EMPTY;
            }

            // Read before the claim, so possibly stale; the head CAS below validates it: a slot
            // cannot change while it is still the unclaimed head.
            final int stripe = ring.get(h).stripe;
            if (stripe < 0)
            {
                if (head.get() == h)
                {
                    throw new IllegalStateException("keyed slot without a stripe at sequence " + h);
                }
                continue;
            }

            if (stripes.tryAcquire(stripe))
            {
                if (head.compareAndSet(h, h + 1))
                {
                    take(h, destination);
                    return TAKEN;
                }

                // Someone else claimed the head; while this thread held the stripe a task of it
                // may have been parked, and then it is this thread's to run.
                if (stripes.release(stripe, destination))
                {
                    return TAKEN;
                }
                continue;
            }

            if (stripes.tryReserveSuccessor(stripe))
            {
                if (head.compareAndSet(h, h + 1))
                {
                    take(h, stripes.successorSlot(stripe));
                    stripes.parked(stripe);
                    return PARKED;
                }
                stripes.unreserve(stripe);
                continue;
            }

            if (head.get() != h || KeyStripes.FREE == stripes.state(stripe))
            {
                continue;
            }

            return (int)BLOCKED;
        }
    }

    /**
     * Copies a claimed slot into {@code destination}, clears the slot's payload and frees it.
     *
     * @param sequence    a sequence returned by a claim.
     * @param destination the record that receives the task.
     */
    void take(final long sequence, final TaskRecord destination)
    {
        final Slot slot = ring.get(sequence);
        destination.copyFrom(slot);
        slot.clear();
        FREED.setRelease(slot, sequence);
        advanceReleased();
    }

    /**
     * Claims up to {@code destinations.length} head slots and copies them out, in order.
     *
     * @param max          most slots to take.
     * @param destinations records that receive the tasks, at least {@code max} long.
     * @return how many were taken.
     */
    int takeBatch(final int max, final TaskRecord[] destinations)
    {
        long h;
        int count;
        do
        {
            h = head.get();
            count = 0;
            while (count < max && ring.isAvailable(h + count))
            {
                count++;
            }

            if (0 == count)
            {
                return 0;
            }
        }
        while (!head.compareAndSet(h, h + count));

        for (int i = 0; i < count; i++)
        {
            final Slot slot = ring.get(h + i);
            destinations[i].copyFrom(slot);
            slot.clear();
            FREED.setRelease(slot, h + i);
        }
        advanceReleased();

        return count;
    }

    /**
     * Keyed variant of {@link #takeBatch(int, TaskRecord[])}: takes head tasks whose stripes are
     * free (each record taken holds its stripe), parking those whose stripes are held, until it has
     * {@code max}, the ring is empty, or a head is blocked.
     *
     * @param max          most tasks to take.
     * @param destinations records that receive the tasks.
     * @param stripes      the stage's key stripes.
     * @return how many were taken.
     */
    int takeBatchKeyed(final int max, final TaskRecord[] destinations, final KeyStripes stripes)
    {
        int count = 0;
        while (count < max)
        {
            final int result = takeKeyed(destinations[count], stripes);
            if (TAKEN == result)
            {
                count++;
            }
            else if (PARKED != result)
            {
                break;
            }
        }

        return count;
    }

    /**
     * True when nothing is waiting and every claimed slot has been freed.
     *
     * @return whether the ring is drained.
     */
    boolean isDrained()
    {
        final long cursor = ring.getCursor();

        return released.get() == cursor && head.get() == cursor + 1;
    }

    private void advanceReleased()
    {
        // Pairs with the CAS below: a freer publishes its mark, then reads the released sequence;
        // an advancer moves the sequence, then reads the next mark. The full fence makes one of
        // the two see the other, so a contiguous run of freed slots is never left behind.
        VarHandle.fullFence();
        long r = released.get();
        while (true)
        {
            final long next = r + 1;
            if ((long)FREED.getVolatile(ring.get(next)) != next)
            {
                return;
            }

            if (released.compareAndSet(r, next))
            {
                r = next;
            }
            else
            {
                r = released.get();
            }
        }
    }

    /**
     * A ring slot: a task record plus the sequence at which it was last freed.
     */
    static final class Slot extends TaskRecord
    {
        @SuppressWarnings("unused") // accessed through FREED
        private long freedSequence = -1;
    }

    private static final VarHandle FREED;

    static
    {
        try
        {
            FREED = MethodHandles.lookup().findVarHandle(Slot.class, "freedSequence", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }
}
