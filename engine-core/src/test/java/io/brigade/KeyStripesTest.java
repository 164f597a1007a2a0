package io.brigade;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed takes on a {@link TaskRing}: per key, tasks are claimed and run in the order they were
 * published, never two of a key at once; a head whose key is held is parked with the holder, and
 * reported BLOCKED only when that key already has a parked task.
 */
class KeyStripesTest
{
    private static final int STRIPES = 16;

    @Test
    void shouldParkHeadWhoseKeyIsHeldAndTakeTheTaskBehindIt()
    {
        final KeyStripes stripes = new KeyStripes(STRIPES);
        final long[] keys = twoKeysOnDifferentStripes(stripes);
        final TaskRing ring = new TaskRing(8);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[1]);
        final TaskRecord holder = new TaskRecord();
        final TaskRecord other = new TaskRecord();

        assertThat(ring.takeKeyed(holder, stripes)).isEqualTo(TaskRing.TAKEN);
        assertThat(holder.taskId).isZero();

        assertThat(ring.takeKeyed(other, stripes))
            .as("the head's key is held: the head is parked with its holder")
            .isEqualTo(TaskRing.PARKED);
        assertThat(stripes.state(holder.stripe)).isEqualTo(KeyStripes.SUCCESSOR);
        assertThat(ring.takeKeyed(other, stripes))
            .as("the task of the other key behind it is not held up").isEqualTo(TaskRing.TAKEN);
        assertThat(other.taskId).isEqualTo(2);
        assertThat(ring.takeKeyed(other, stripes)).isEqualTo(TaskRing.EMPTY);

        assertThat(stripes.release(holder.stripe, holder))
            .as("the holder gets its key's parked task next").isTrue();
        assertThat(holder.taskId).isEqualTo(1);
        assertThat(stripes.isHeld(holder.stripe)).isTrue();
        assertThat(stripes.release(holder.stripe, holder)).isFalse();
        assertThat(stripes.release(other.stripe, other)).isFalse();
        assertThat(stripes.isIdle()).isTrue();
        assertThat(ring.isDrained()).isTrue();
    }

    @Test
    void shouldReportBlockedWhenHeadKeyIsHeldAndHasASuccessor()
    {
        final KeyStripes stripes = new KeyStripes(STRIPES);
        final long[] keys = twoKeysOnDifferentStripes(stripes);
        final TaskRing ring = new TaskRing(8);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[1]);
        final TaskRecord holder = new TaskRecord();
        final TaskRecord other = new TaskRecord();

        assertThat(ring.takeKeyed(holder, stripes)).isEqualTo(TaskRing.TAKEN);
        assertThat(ring.takeKeyed(other, stripes)).isEqualTo(TaskRing.PARKED);
        assertThat(ring.takeKeyed(other, stripes))
            .as("one parked task per key: the third task of the key blocks the head")
            .isEqualTo(TaskRing.BLOCKED);
        assertThat(stripes.isHeld(stripes.stripeOf(keys[1])))
            .as("a blocked take holds no stripe").isFalse();
        assertThat(ring.backlog()).isEqualTo(2);

        assertThat(stripes.release(holder.stripe, holder)).isTrue();
        assertThat(holder.taskId).isEqualTo(1);
        assertThat(ring.takeKeyed(other, stripes)).isEqualTo(TaskRing.PARKED);
        assertThat(ring.takeKeyed(other, stripes)).isEqualTo(TaskRing.TAKEN);
        assertThat(other.taskId).isEqualTo(3);
        assertThat(stripes.release(holder.stripe, holder)).isTrue();
        assertThat(holder.taskId).isEqualTo(2);
        assertThat(stripes.release(holder.stripe, holder)).isFalse();
    }

    @Test
    void shouldReportEmptyWhenNothingIsPublished()
    {
        final KeyStripes stripes = new KeyStripes(STRIPES);
        final TaskRing ring = new TaskRing(4);
        final TaskRecord record = new TaskRecord();

        assertThat(ring.takeKeyed(record, stripes)).isEqualTo(TaskRing.EMPTY);

        final long sequence = ring.tryClaimSlot();
        assertThat(ring.takeKeyed(record, stripes))
            .as("claimed by a producer but not yet published").isEqualTo(TaskRing.EMPTY);

        ring.slot(sequence).taskId = sequence;
        ring.slot(sequence).stripe = stripes.stripeOf(7);
        ring.publish(sequence);
        assertThat(ring.takeKeyed(record, stripes)).isEqualTo(TaskRing.TAKEN);
        assertThat(record.taskId).isEqualTo(sequence);
    }

    @Test
    void shouldTakeBatchOfFreeKeysAndParkTheRest()
    {
        final KeyStripes stripes = new KeyStripes(STRIPES);
        final long[] keys = twoKeysOnDifferentStripes(stripes);
        final TaskRing ring = new TaskRing(8);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[1]);
        publish(ring, stripes, keys[0]);
        publish(ring, stripes, keys[1]);
        publish(ring, stripes, keys[0]);
        final TaskRecord[] batch = records(4);

        assertThat(ring.takeBatchKeyed(4, batch, stripes))
            .as("two taken, two parked, then the head's key has a successor already").isEqualTo(2);
        assertThat(batch[0].taskId).isZero();
        assertThat(batch[1].taskId).isEqualTo(1);
        assertThat(stripes.state(batch[0].stripe)).isEqualTo(KeyStripes.SUCCESSOR);
        assertThat(stripes.state(batch[1].stripe)).isEqualTo(KeyStripes.SUCCESSOR);
        assertThat(ring.takeKeyed(new TaskRecord(), stripes)).isEqualTo(TaskRing.BLOCKED);

        assertThat(stripes.release(batch[0].stripe, batch[0])).isTrue();
        assertThat(batch[0].taskId).isEqualTo(2);
        assertThat(ring.takeBatchKeyed(4, batch, stripes))
            .as("key 0's last task is parked again; nothing free to take").isZero();
        assertThat(ring.isDrained()).isTrue();
    }

    @Test
    void shouldRefuseKeyedSlotWithoutStripe()
    {
        final KeyStripes stripes = new KeyStripes(STRIPES);
        final TaskRing ring = new TaskRing(4);
        final long sequence = ring.tryClaimSlot();
        ring.slot(sequence).stripe = -1;
        ring.publish(sequence);

        assertThatThrownBy(() -> ring.takeKeyed(new TaskRecord(), stripes))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("without a stripe");
    }

    /**
     * Two producers publish tasks whose key is a function of their sequence; three claimers
     * take them with {@code takeKeyed} (parking those whose key is held), shed them in keyed
     * batches to a steal queue, and poll that queue. Each task is run as soon as it is taken or
     * polled, and releases its stripe after, running a parked successor if there is one. Per
     * key, tasks must run in sequence order (the next one run is always the next published
     * sequence of that key), one at a time, each exactly once; at the end no stripe is held and
     * the ring is drained.
     */
    @ParameterizedTest(name = "ring={0} stripes={1} keys={2} seed={3}")
    @CsvSource({"4, 1, 3, 41", "8, 1024, 1, 42", "16, 4, 3, 43", "64, 1024, 5, 44", "2, 2, 2, 45"})
    @Timeout(60)
    void shouldRunEachKeyInPublishOrderOneAtATimeWhenClaimersRace(
        final int ringSize,
        final int stripeCount,
        final int keyCount,
        final long seed) throws Exception
    {
        final KeyedRig rig = new KeyedRig(ringSize, stripeCount, keyCount, seed);
        final int producers = 2;
        final int claimers = 3;
        final CyclicBarrier start = new CyclicBarrier(producers + claimers);
        final long runNs = TimeUnit.MILLISECONDS.toNanos(400);
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++)
        {
            threads.add(new Thread(() -> rig.produce(start, runNs), "keyed-producer-" + i));
        }
        for (int i = 0; i < claimers; i++)
        {
            final SplittableRandom random = new SplittableRandom(seed * 17 + i);
            threads.add(new Thread(() -> rig.claim(start, random), "keyed-claimer-" + i));
        }
        threads.forEach(Thread::start);

        for (int i = 0; i < producers; i++)
        {
            threads.get(i).join(TimeUnit.SECONDS.toMillis(20));
        }
        rig.producersDone.set(true);
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
        }

        assertThat(rig.violation.get()).isNull();
        final long published = rig.published.get();
        assertThat(published).isPositive();
        assertThat(rig.ran.cardinality()).as("tasks run").isEqualTo((int)published);
        assertThat(rig.ran.nextClearBit(0)).isEqualTo((int)published);
        assertThat(rig.ring.isDrained()).isTrue();
        assertThat(rig.queue.surplus()).isZero();
        for (int stripe = 0; stripe < stripeCount; stripe++)
        {
            assertThat(rig.stripes.isHeld(stripe)).as("stripe %d left held", stripe).isFalse();
        }
        if (1 == keyCount)
        {
            assertThat(rig.blocked.get()).as("claims that found the head's key held").isPositive();
        }
    }

    private static long[] twoKeysOnDifferentStripes(final KeyStripes stripes)
    {
        long other = 2;
        while (stripes.stripeOf(other) == stripes.stripeOf(1))
        {
            other++;
        }

        return new long[]{1, other};
    }

    private static void publish(final TaskRing ring, final KeyStripes stripes, final long key)
    {
        final long sequence = ring.tryClaimSlot();
        assertThat(sequence).isNotNegative();
        final TaskRecord slot = ring.slot(sequence);
        slot.task = key;
        slot.taskId = sequence;
        slot.stripe = stripes.stripeOf(key);
        ring.publish(sequence);
    }

    private static TaskRecord[] records(final int count)
    {
        final TaskRecord[] records = new TaskRecord[count];
        for (int i = 0; i < count; i++)
        {
            records[i] = new TaskRecord();
        }

        return records;
    }

    /**
     * One keyed ring, its stripes and steal queue, and the per-key bookkeeping of the stress test.
     */
    static final class KeyedRig
    {
        private static final int CARRIERS = 8;
        private static final int MAX_SHED = 3;

        final TaskRing ring;
        final KeyStripes stripes;
        final StealQueue queue = new StealQueue(CARRIERS);
        final AtomicLong published = new AtomicLong();
        final AtomicLong runCount = new AtomicLong();
        final AtomicLong blocked = new AtomicLong();
        final AtomicBoolean producersDone = new AtomicBoolean();
        final AtomicReference<String> violation = new AtomicReference<>();
        final BitSet ran = new BitSet();
        private final int keyCount;
        private final long seed;
        private final AtomicIntegerArray running;
        private final AtomicLongArray lastRun;

        KeyedRig(final int ringSize, final int stripeCount, final int keyCount, final long seed)
        {
            this.ring = new TaskRing(ringSize);
            this.stripes = new KeyStripes(stripeCount);
            this.keyCount = keyCount;
            this.seed = seed;
            this.running = new AtomicIntegerArray(keyCount);
            this.lastRun = new AtomicLongArray(keyCount);
            for (int k = 0; k < keyCount; k++)
            {
                lastRun.set(k, -1);
            }
        }

        int keyOf(final long sequence)
        {
            long mixed = (sequence + seed) * 0x9E3779B97F4A7C15L;
            mixed ^= mixed >>> 29;
            mixed *= 0xBF58476D1CE4E5B9L;
            mixed ^= mixed >>> 32;

            return (int)Math.floorMod(mixed, (long)keyCount);
        }

        void produce(final CyclicBarrier start, final long runNs)
        {
            await(start);
            final long deadlineNs = System.nanoTime() + runNs;
            while (System.nanoTime() - deadlineNs < 0)
            {
                final long sequence = ring.tryClaimSlot();
                if (sequence < 0)
                {
                    Thread.yield();
                    continue;
                }

                final TaskRecord slot = ring.slot(sequence);
                slot.task = sequence;
                slot.taskId = sequence;
                slot.stripe = stripes.stripeOf(keyOf(sequence));
                ring.publish(sequence);
                published.incrementAndGet();
            }
        }

        void claim(final CyclicBarrier start, final SplittableRandom random)
        {
            final TaskRecord record = new TaskRecord();
            final TaskRecord[] carriers = new TaskRecord[MAX_SHED];
            final BitSet mine = new BitSet();
            final long giveUpNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            await(start);
            while (null == violation.get() &&
                (!producersDone.get() || runCount.get() < published.get()))
            {
                if (System.nanoTime() - giveUpNs > 0)
                {
                    violation.compareAndSet(null, "stuck: ran " + runCount.get() + " of " +
                        published.get() + ", backlog " + ring.backlog() + ", surplus " +
                        queue.surplus());
                    break;
                }

                final int op = random.nextInt(4);
                boolean worked = false;
                if (op < 2)
                {
                    final int result = ring.takeKeyed(record, stripes);
                    if (TaskRing.TAKEN == result)
                    {
                        run(record, record.taskId, mine, random);
                        worked = true;
                    }
                    else if (TaskRing.PARKED == result)
                    {
                        worked = true;
                    }
                    else if (TaskRing.BLOCKED == result)
                    {
                        blocked.incrementAndGet();
                    }
                }
                else if (op < 3)
                {
                    worked = shed(carriers, 1 + random.nextInt(MAX_SHED)) > 0;
                }
                else if (queue.poll(record))
                {
                    run(record, record.taskId, mine, random);
                    worked = true;
                }

                if (!worked)
                {
                    Thread.yield();
                }
            }

            synchronized (ran)
            {
                ran.or(mine);
            }
        }

        private int shed(final TaskRecord[] carriers, final int max)
        {
            final int borrowed = queue.borrow(carriers, max);
            final int taken = ring.takeBatchKeyed(borrowed, carriers, stripes);
            for (int i = 0; i < taken; i++)
            {
                if (!stripes.isHeld(carriers[i].stripe))
                {
                    violation.compareAndSet(null, "shed task " + carriers[i].taskId +
                        " does not hold its stripe");
                }
            }
            queue.giveBack(carriers, taken, borrowed);
            queue.offer(carriers, taken);

            return taken;
        }

        private void run(
            final TaskRecord record,
            final long sequence,
            final BitSet mine,
            final SplittableRandom random)
        {
            final int key = keyOf(sequence);
            if (record.taskId != sequence || record.stripe != stripes.stripeOf(key))
            {
                violation.compareAndSet(null, "sequence " + sequence + " carried id " +
                    record.taskId + " stripe " + record.stripe);
            }

            if (1 != running.incrementAndGet(key))
            {
                violation.compareAndSet(null, "two tasks of key " + key + " at once, one is " +
                    sequence);
            }

            final long expected = nextOfKey(key, lastRun.get(key));
            if (sequence != expected)
            {
                violation.compareAndSet(null, "key " + key + " ran sequence " + sequence +
                    " after " + lastRun.get(key) + "; expected " + expected);
            }
            lastRun.set(key, sequence);
            mine.set((int)sequence);

            for (int i = random.nextInt(50); i > 0; i--)
            {
                Thread.onSpinWait();
            }

            running.decrementAndGet(key);
            runCount.incrementAndGet();
            if (stripes.release(record.stripe, record))
            {
                // A task of the same key was parked while this one ran: it runs next, here.
                run(record, record.taskId, mine, random);
            }
        }

        private long nextOfKey(final int key, final long after)
        {
            long sequence = after + 1;
            while (keyOf(sequence) != key)
            {
                sequence++;
            }

            return sequence;
        }

        private static void await(final CyclicBarrier barrier)
        {
            try
            {
                barrier.await(10, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }
}
