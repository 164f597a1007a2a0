package io.brigade;

import org.agrona.collections.Hashing;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Per-key run locks for a KEYED stage, striped: keys hash onto a fixed number of stripes, and a
 * stripe is held by at most one task at a time, from its claim until it has been handed on.
 * <p>
 * Two keys that share a stripe are serialised together; that costs parallelism, never order.
 * Threading: safe from any thread.
 */
final class KeyStripes
{
    private final AtomicIntegerArray held;
    private final int mask;

    KeyStripes(final int stripes)
    {
        held = new AtomicIntegerArray(stripes);
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

    boolean tryAcquire(final int stripe)
    {
        return held.compareAndSet(stripe, 0, 1);
    }

    void release(final int stripe)
    {
        held.setRelease(stripe, 0);
    }

    boolean isHeld(final int stripe)
    {
        return held.get(stripe) != 0;
    }
}
