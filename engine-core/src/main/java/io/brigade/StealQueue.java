package io.brigade;

import org.jctools.queues.MpmcArrayQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A stage's shared pool of surplus tasks: a JCTools MPMC queue of preallocated carrier records.
 * <p>
 * Shedders borrow carriers from a free list, copy tasks into them and offer them; thieves poll,
 * copy the task out and give the carrier back. No allocation after construction.
 * <p>
 * A poll that returns nothing does not prove the queue empty: an MPMC offer can be claimed and
 * not yet written. {@link #surplus()} is therefore kept separately, raised before every offer and
 * lowered after every successful poll, so it never undercounts what is in the queue, and a
 * positive surplus is a promise that a task will become pollable.
 * <p>
 * In a KEYED stage every task in the queue already holds its key stripe, so whoever polls it may
 * run it at once.
 * <p>
 * Threading: safe from any thread.
 */
final class StealQueue
{
    private final MpmcArrayQueue<TaskRecord> tasks;
    private final MpmcArrayQueue<TaskRecord> freeCarriers;
    private final AtomicLong surplus = new AtomicLong();

    StealQueue(final int capacity)
    {
        tasks = new MpmcArrayQueue<>(capacity);
        freeCarriers = new MpmcArrayQueue<>(capacity);
        for (int i = 0; i < capacity; i++)
        {
            freeCarriers.offer(new TaskRecord());
        }
    }

    long surplus()
    {
        return surplus.get();
    }

    /**
     * Borrows up to {@code max} empty carriers.
     *
     * @param into receives the carriers.
     * @param max  most to borrow.
     * @return how many were borrowed.
     */
    int borrow(final TaskRecord[] into, final int max)
    {
        int count = 0;
        while (count < max)
        {
            final TaskRecord carrier = freeCarriers.poll();
            if (null == carrier)
            {
                break;
            }
            into[count++] = carrier;
        }

        return count;
    }

    /**
     * Gives back borrowed carriers that were not filled.
     *
     * @param carriers the borrowed carriers.
     * @param from     first index to give back.
     * @param to       one past the last index to give back.
     */
    void giveBack(final TaskRecord[] carriers, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            carriers[i].clear();
            offerSurely(freeCarriers, carriers[i]);
            carriers[i] = null;
        }
    }

    /**
     * Offers filled carriers, in order.
     *
     * @param carriers filled carriers, borrowed from this queue.
     * @param count    how many, from index zero.
     */
    void offer(final TaskRecord[] carriers, final int count)
    {
        surplus.addAndGet(count);
        for (int i = 0; i < count; i++)
        {
            offerSurely(tasks, carriers[i]);
            carriers[i] = null;
        }
    }

    /**
     * Takes the oldest surplus task, if one is pollable now.
     *
     * @param destination receives the task.
     * @return whether a task was taken.
     */
    boolean poll(final TaskRecord destination)
    {
        final TaskRecord carrier = tasks.poll();
        if (null == carrier)
        {
            return false;
        }

        destination.copyFrom(carrier);
        carrier.clear();
        offerSurely(freeCarriers, carrier);
        surplus.decrementAndGet();

        return true;
    }

    private static void offerSurely(final MpmcArrayQueue<TaskRecord> queue, final TaskRecord record)
    {
        // There are exactly as many carriers as either queue holds, so a refused offer only means
        // a poller has claimed a slot and not yet released it.
        while (!queue.offer(record))
        {
            Thread.onSpinWait();
        }
    }
}
