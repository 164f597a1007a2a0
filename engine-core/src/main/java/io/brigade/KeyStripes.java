package io.brigade;

import org.agrona.collections.Hashing;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Per-key run locks for a KEYED stage, striped: keys hash onto a fixed number of stripes, and a
 * stripe is held by at most one task at a time, from its claim until it has been handed on.
 * <p>
 * A stripe also has room for one successor: a task of the same stripe that was claimed from the
 * ring while the stripe was held. The claimer parks it here instead of waiting, and moves on to
 * the tasks queued behind it; the holder, when it finishes, takes the successor and runs it
 * before letting go of the stripe. Tasks of one stripe are claimed in ring order, so running
 * each one's successor next keeps their order.
 * <pre>
 *            acquire                   reserve             parked
 *   FREE ------------&gt; HELD ------------------&gt; PARKING ---------&gt; SUCCESSOR
 *     ^                 |  ^                      |                   |
 *     +-----------------+  +---- unreserve -------+   TAKING &lt;--------+ take
 *          release         +------------- taken ------+
 * </pre>
 * Two keys that share a stripe are serialised together; that costs parallelism, never order.
 * Threading: safe from any thread. PARKING and TAKING last a few instructions; a releaser that
 * meets one spins until it passes.
 */
final class KeyStripes
{
    static final int FREE = 0;
    static final int HELD = 1;
    static final int SUCCESSOR = 2;
    static final int PARKING = 3;
    static final int TAKING = 4;

    private static final int SPINS_BEFORE_YIELD = 100;

    private final AtomicIntegerArray states;
    private final TaskRecord[] successors;
    private final int mask;

    KeyStripes(final int stripes)
    {
        states = new AtomicIntegerArray(stripes);
        successors = new TaskRecord[stripes];
        for (int i = 0; i < stripes; i++)
        {
            successors[i] = new TaskRecord();
        }
        mask = stripes - 1;
    }

    int stripeOf(final long key)
    {
        return Hashing.hash(key) & mask;
    }

    int count()
    {
        return mask + 1;
    }

    int state(final int stripe)
    {
        return states.get(stripe);
    }

    boolean isHeld(final int stripe)
    {
        return FREE != states.get(stripe);
    }

    /**
     * Takes a free stripe.
     *
     * @param stripe the stripe.
     * @return whether the caller now holds it.
     */
    boolean tryAcquire(final int stripe)
    {
        return states.compareAndSet(stripe, FREE, HELD);
    }

    /**
     * Reserves a held stripe's successor slot, before claiming the task to park there.
     *
     * @param stripe the stripe.
     * @return whether the caller may fill the slot; it must then call {@link #parked(int)} or
     * {@link #unreserve(int)}.
     */
    boolean tryReserveSuccessor(final int stripe)
    {
        return states.compareAndSet(stripe, HELD, PARKING);
    }

    TaskRecord successorSlot(final int stripe)
    {
        return successors[stripe];
    }

    void parked(final int stripe)
    {
        states.set(stripe, SUCCESSOR);
    }

    void unreserve(final int stripe)
    {
        states.set(stripe, HELD);
    }

    /**
     * Ends the holder's turn: frees the stripe, or, when a successor is parked, moves it into
     * {@code next} and keeps the stripe held for it.
     *
     * @param stripe the stripe, held by the caller.
     * @param next   receives the successor, if there is one.
     * @return true when {@code next} now holds a task of this stripe to run; the caller still holds
     * the stripe.
     */
    boolean release(final int stripe, final TaskRecord next)
    {
        int spins = 0;
        while (true)
        {
            if (states.compareAndSet(stripe, HELD, FREE))
            {
                return false;
            }

            if (takeSuccessor(stripe, next))
            {
                return true;
            }

            if (++spins > SPINS_BEFORE_YIELD)
            {
                Thread.yield();
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Takes the parked successor, if there is one; the stripe stays held.
     *
     * @param stripe the stripe.
     * @param next   receives the successor.
     * @return whether a successor was taken.
     */
    boolean takeSuccessor(final int stripe, final TaskRecord next)
    {
        if (!states.compareAndSet(stripe, SUCCESSOR, TAKING))
        {
            return false;
        }

        final TaskRecord successor = successors[stripe];
        next.copyFrom(successor);
        successor.clear();
        states.set(stripe, HELD);

        return true;
    }

    /**
     * Whether no stripe is held and no successor is parked.
     *
     * @return true when every stripe is free.
     */
    boolean isIdle()
    {
        for (int i = 0, length = states.length(); i < length; i++)
        {
            if (FREE != states.get(i))
            {
                return false;
            }
        }

        return true;
    }
}
