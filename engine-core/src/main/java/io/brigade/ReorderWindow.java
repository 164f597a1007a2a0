package io.brigade;

import com.lmax.disruptor.Sequence;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The exit of an ORDERED stage: hands tasks on in the order they entered, whichever worker
 * finished them and whenever.
 * <p>
 * Entry takes a ticket; there are never more tickets out than slots, so a full window makes entry
 * wait instead of dropping or overwriting. A finished task is parked in its ticket's slot; a failed
 * one marks its slot skipped, so a failure never blocks the tasks behind it. Whoever parks a task
 * then tries to become the emitter (one at a time) and hands on every consecutive ready slot from
 * the head.
 * <pre>
 *        head (next to hand on)            tail (next ticket)
 *          |                                  |
 *   ...[ready][empty][ready][skipped][empty]...
 *          &lt;--------- at most capacity ---------&gt;
 * </pre>
 * Threading: safe from any thread. The emitter may block while handing on (downstream full);
 * others keep parking meanwhile.
 */
final class ReorderWindow
{
    /**
     * Receives tasks in ticket order.
     */
    interface Emitter
    {
        /**
         * Hands one task on. The record is cleared by the window after this returns.
         *
         * @param record the task.
         */
        void emit(TaskRecord record);
    }

    private static final int EMPTY = 0;
    private static final int READY = 1;
    private static final int SKIPPED = 2;

    private final TaskRecord[] records;
    private final AtomicIntegerArray states;
    private final int mask;
    private final int capacity;
    private final int limit;
    private final Sequence tail = new Sequence(0);
    private final Sequence head = new Sequence(0);
    private final AtomicInteger emitting = new AtomicInteger();

    /**
     * Creates a window.
     *
     * @param capacity slots, a power of two.
     * @param limit    most tickets out at once, at most {@code capacity}.
     */
    ReorderWindow(final int capacity, final int limit)
    {
        this.capacity = capacity;
        this.limit = limit;
        mask = capacity - 1;
        records = new TaskRecord[capacity];
        for (int i = 0; i < capacity; i++)
        {
            records[i] = new TaskRecord();
        }
        states = new AtomicIntegerArray(capacity);
    }

    int capacity()
    {
        return capacity;
    }

    int limit()
    {
        return limit;
    }

    /**
     * Takes the next ticket if fewer than the limit are out.
     *
     * @return the ticket, or -1 when the window is full.
     */
    long tryAcquire()
    {
        while (true)
        {
            final long t = tail.get();
            if (t - head.get() >= limit)
            {
                return -1;
            }

            if (tail.compareAndSet(t, t + 1))
            {
                return t;
            }
        }
    }

    /**
     * Parks a finished task under its ticket. Follow with {@link #drain(Emitter)}.
     *
     * @param ticket the task's ticket.
     * @param record the task; copied.
     */
    void complete(final long ticket, final TaskRecord record)
    {
        final int index = (int)ticket & mask;
        records[index].copyFrom(record);
        states.set(index, READY);
    }

    /**
     * Marks a ticket that will never be handed on: its task failed, or its entry was abandoned.
     * Follow with {@link #drain(Emitter)}.
     *
     * @param ticket the ticket.
     */
    void skip(final long ticket)
    {
        states.set((int)ticket & mask, SKIPPED);
    }

    /**
     * Hands on every consecutive finished task from the head, unless another thread is already
     * doing so (that thread will see what this one parked).
     *
     * @param emitter where tasks go.
     */
    void drain(final Emitter emitter)
    {
        while (emitting.compareAndSet(0, 1))
        {
            long h = head.get();
            int index = (int)h & mask;
            int state;
            while (EMPTY != (state = states.get(index)))
            {
                final TaskRecord record = records[index];
                if (READY == state)
                {
                    emitter.emit(record);
                }
                record.clear();
                // Free the slot before moving the head, so the ticket that reuses it starts empty.
                states.set(index, EMPTY);
                head.setVolatile(++h);
                index = (int)h & mask;
            }

            emitting.set(0);

            // A task parked at the head after the check above and before the flag was released
            // found the flag taken and left; look once more so it is not stranded.
            if (EMPTY == states.get(index))
            {
                return;
            }
        }
    }

    /**
     * Whether the head ticket is finished or skipped and waiting for an emitter.
     *
     * @return true when {@link #drain(Emitter)} would hand something on.
     */
    boolean isHeadParked()
    {
        return EMPTY != states.get((int)head.get() & mask);
    }

    /**
     * Tickets handed out and not yet handed on or skipped.
     *
     * @return the count.
     */
    long occupancy()
    {
        return tail.get() - head.get();
    }

    /**
     * Abandons whatever is parked, for a close that ran out of time, unless an emitter is still
     * handing tasks on (stuck downstream, say): that emitter then meets the closed pipeline itself
     * for each task it hands on, and the window is left to it. The emitter role is kept afterwards,
     * so no later drain runs. Only for use once no thread parks tasks any more.
     *
     * @param emitter receives each parked task, in ticket order.
     * @return whether the window was swept.
     */
    boolean trySweep(final Emitter emitter)
    {
        if (!emitting.compareAndSet(0, 1))
        {
            return false;
        }

        sweep(emitter);

        return true;
    }

    /**
     * Abandons whatever is parked. Only safe once no thread parks or drains any more.
     *
     * @param emitter receives each parked task, in ticket order.
     */
    void sweep(final Emitter emitter)
    {
        for (long t = head.get(), end = tail.get(); t < end; t++)
        {
            final int index = (int)t & mask;
            if (READY == states.get(index))
            {
                emitter.emit(records[index]);
            }
            records[index].clear();
            states.set(index, EMPTY);
        }
        head.setVolatile(tail.get());
    }
}
