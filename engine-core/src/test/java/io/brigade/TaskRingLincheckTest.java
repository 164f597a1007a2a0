package io.brigade;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the shed-and-steal hand-off: one {@link TaskRing} and one {@link StealQueue}, with a
 * producer ({@code tryClaimSlot/slot/publish}), the owner ({@code claim+take}, and shed:
 * {@code borrow, takeBatch, giveBack, offer}) and thieves ({@code poll} of the steal queue and
 * {@code claim+take} straight off the ring head).
 * <p>
 * Lincheck 3.7 instruments the Disruptor's {@code MultiProducerSequencer} and JCTools'
 * {@code MpmcArrayQueue} (VarHandles and Unsafe alike), so both its model checker and its stress
 * mode work here. Against the strict sequential specification (a FIFO ring plus a FIFO steal
 * queue, shed moving the oldest n atomically) the model checker finds the first three
 * counterexamples below within seconds; the fourth follows from the code. Each is a relaxation
 * that comes with the design; none loses, duplicates or reorders a task:
 * <ol>
 * <li>Two producers: {@code produce(5)} claims sequence 0 and is paused before publishing;
 * {@code produce(6)} claims and publishes sequence 1 and returns; a following take finds the head
 * unpublished and returns nothing although a completed produce put a task in. A Disruptor
 * multi-producer ring is a sequencer, not a linearizable queue.</li>
 * <li>Shed in transit: {@code takeBatch} has moved the head past a task and {@code offer} has not
 * yet run, so a thief sees an empty ring ({@code thiefClaim(): null}) and then an empty steal queue
 * ({@code steal(): null}) while the task exists. Neither {@code backlog()} nor {@code surplus()}
 * counts it during that window.</li>
 * <li>Gating: the owner has claimed sequence 0 and not yet freed it, a thief claimed and freed
 * sequence 1; {@code released} only advances over contiguous freed slots, so
 * {@code tryClaimSlot()} reports full although both tasks have left the ring.</li>
 * <li>Lapping (needs a wrapped ring): a claimer that read a head which has since been
 * lapped finds the slot's availability flag belonging to the next lap and returns EMPTY although
 * the ring was never empty during the call.</li>
 * </ol>
 * So the strict specification is checked where those cannot be observed: one producer, shed and
 * steal made owner operations, and a ring that never fills (no gating, no lapping). A second,
 * open target lets every operation race on a two-slot ring (many producers, wrap-around, shed and
 * steal from every thread) and checks invariants instead of per-call results: every task is taken
 * exactly once, a claim of sequence s copies the task published at s, a shed batch is contiguous,
 * and once all calls return the ring is drained, the released sequence has caught up and every
 * carrier is back.
 * <p>
 * Lincheck creates its targets and specifications reflectively without {@code setAccessible}, so
 * they are public nested classes with public constructors. It also restores static fields between
 * invocations, so all bookkeeping lives in the instances.
 */
class TaskRingLincheckTest
{
    /** Above the most produces a strict scenario holds (2 before, 3 in parallel, 1 after). */
    private static final int STRICT_RING_SIZE = 8;
    private static final int STRICT_CARRIERS = 16;
    private static final int OPEN_RING_SIZE = 2;
    private static final int OPEN_CARRIERS = 4;
    private static final int MAX_SHED = 3;

    @Test
    @Timeout(120)
    void shouldMatchFifoSpecificationWhenModelChecked()
    {
        new ModelCheckingOptions()
            .iterations(12)
            .invocationsPerIteration(300)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(1)
            .sequentialSpecification(FifoSpecification.class)
            .check(StrictHandOff.class);
    }

    @Test
    @Timeout(120)
    void shouldMatchFifoSpecificationUnderStress()
    {
        new StressOptions()
            .iterations(12)
            .invocationsPerIteration(1_000)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(1)
            .sequentialSpecification(FifoSpecification.class)
            .check(StrictHandOff.class);
    }

    @Test
    @Timeout(120)
    void shouldTakeEveryTaskOnceWhenAllOperationsRaceModelChecked()
    {
        new ModelCheckingOptions()
            .iterations(12)
            .invocationsPerIteration(300)
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(2)
            .actorsAfter(2)
            .check(OpenHandOff.class);
    }

    @Test
    @Timeout(120)
    void shouldTakeEveryTaskOnceWhenAllOperationsRaceUnderStress()
    {
        new StressOptions()
            .iterations(12)
            .invocationsPerIteration(1_000)
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(2)
            .actorsAfter(2)
            .check(OpenHandOff.class);
    }

    /**
     * Four threads, each a random mix of produce, owner take, shed, steal and thief claim for a
     * while, then a single-threaded drain: every published sequence must have been taken exactly
     * once, a claim of sequence s must carry the task published at s, and the released sequence
     * must have caught up ({@link TaskRing#isDrained()}).
     */
    @ParameterizedTest(name = "ring={0} carriers={1} seed={2}")
    @CsvSource({"2, 4, 11", "4, 2, 12", "16, 8, 13", "64, 32, 14"})
    @Timeout(60)
    void shouldTakeEveryTaskOnceWhenFourThreadsMixOperations(
        final int ringSize,
        final int carriers,
        final long seed) throws Exception
    {
        final TaskRing ring = new TaskRing(ringSize);
        final StealQueue queue = new StealQueue(carriers);
        final int threadCount = 4;
        final long runNs = TimeUnit.MILLISECONDS.toNanos(500);
        final CyclicBarrier start = new CyclicBarrier(threadCount);
        final AtomicReference<String> violation = new AtomicReference<>();
        final List<BitSet> taken = new ArrayList<>();
        final long[] produced = new long[threadCount];
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < threadCount; i++)
        {
            final BitSet mine = new BitSet();
            taken.add(mine);
            final SplittableRandom random = new SplittableRandom(seed * 31 + i);
            final int index = i;
            final Thread thread = new Thread(
                () -> produced[index] =
                    mixOperations(ring, queue, random, mine, start, runNs, violation),
                "ring-stress-" + i);
            threads.add(thread);
            thread.start();
        }

        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
        }

        assertThat(violation.get()).isNull();
        final BitSet all = new BitSet();
        for (final BitSet mine : taken)
        {
            final BitSet overlap = (BitSet)all.clone();
            overlap.and(mine);
            assertThat(overlap.isEmpty()).as("sequences taken twice: %s", overlap).isTrue();
            all.or(mine);
        }
        drainInto(ring, queue, all, violation);
        assertThat(violation.get()).as("after the drain").isNull();

        long published = 0;
        for (final long count : produced)
        {
            published += count;
        }
        assertThat(published).as("published").isPositive();
        assertThat(all.cardinality()).as("distinct sequences taken").isEqualTo((int)published);
        assertThat(all.nextClearBit(0)).as("first sequence never taken").isEqualTo((int)published);
        assertThat(ring.isDrained()).as("released caught up with the cursor").isTrue();
        assertThat(ring.backlog()).isZero();
        assertThat(queue.surplus()).isZero();
        assertThat(queue.borrow(new TaskRecord[carriers], carriers))
            .as("carriers back in the free list").isEqualTo(carriers);
    }

    private static long mixOperations(
        final TaskRing ring,
        final StealQueue queue,
        final SplittableRandom random,
        final BitSet mine,
        final CyclicBarrier start,
        final long runNs,
        final AtomicReference<String> violation)
    {
        final TaskRecord scratch = new TaskRecord();
        final TaskRecord[] carriers = new TaskRecord[MAX_SHED];
        long produced = 0;
        await(start);
        final long deadlineNs = System.nanoTime() + runNs;
        while (System.nanoTime() - deadlineNs < 0 && null == violation.get())
        {
            final int op = random.nextInt(10);
            if (op < 4)
            {
                produced += produce(ring) ? 1 : 0;
            }
            else if (op < 6)
            {
                final long sequence = ring.claim();
                if (sequence >= 0)
                {
                    ring.take(sequence, scratch);
                    note(mine, sequence, scratch, violation);
                }
            }
            else if (op < 8)
            {
                shed(ring, queue, carriers, 1 + random.nextInt(MAX_SHED), violation);
            }
            else if (queue.poll(scratch))
            {
                note(mine, scratch.taskId, scratch, violation);
            }

            if (0 == random.nextInt(64))
            {
                Thread.yield();
            }
        }

        return produced;
    }

    private static void drainInto(
        final TaskRing ring,
        final StealQueue queue,
        final BitSet all,
        final AtomicReference<String> violation)
    {
        final TaskRecord scratch = new TaskRecord();
        final BitSet drained = new BitSet();
        long sequence;
        while ((sequence = ring.claim()) >= 0)
        {
            ring.take(sequence, scratch);
            note(drained, sequence, scratch, violation);
        }
        while (queue.surplus() > 0)
        {
            if (queue.poll(scratch))
            {
                note(drained, scratch.taskId, scratch, violation);
            }
        }

        final BitSet overlap = (BitSet)drained.clone();
        overlap.and(all);
        assertThat(overlap.isEmpty()).as("drained sequences already taken: %s", overlap).isTrue();
        all.or(drained);
    }

    static boolean produce(final TaskRing ring)
    {
        final long sequence = ring.tryClaimSlot();
        if (sequence < 0)
        {
            return false;
        }

        final TaskRecord slot = ring.slot(sequence);
        slot.task = sequence;
        slot.taskId = sequence;
        slot.stripe = -1;
        ring.publish(sequence);

        return true;
    }

    static int shed(
        final TaskRing ring,
        final StealQueue queue,
        final TaskRecord[] carriers,
        final int max,
        final AtomicReference<String> violation)
    {
        final int borrowed = queue.borrow(carriers, max);
        final int taken = ring.takeBatch(borrowed, carriers);
        for (int i = 1; i < taken; i++)
        {
            if (carriers[i].taskId != carriers[i - 1].taskId + 1)
            {
                violation.compareAndSet(null, "shed batch not contiguous: " +
                    carriers[i - 1].taskId + " then " + carriers[i].taskId);
            }
        }
        queue.giveBack(carriers, taken, borrowed);
        queue.offer(carriers, taken);

        return taken;
    }

    private static void note(
        final BitSet taken,
        final long sequence,
        final TaskRecord record,
        final AtomicReference<String> violation)
    {
        if (record.taskId != sequence || !Long.valueOf(sequence).equals(record.task))
        {
            violation.compareAndSet(null, "sequence " + sequence + " carried task " + record.task +
                " id " + record.taskId);
        }

        if (taken.get((int)sequence))
        {
            violation.compareAndSet(null, "sequence " + sequence + " taken twice by one thread");
        }
        taken.set((int)sequence);
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

    /**
     * The strict target: one producer, shed and steal on the owner's thread, thieves claiming off
     * the ring head, and a ring that never fills.
     */
    @Param(name = "value", gen = IntGen.class, conf = "1:9")
    @Param(name = "count", gen = IntGen.class, conf = "1:3")
    public static final class StrictHandOff
    {
        private final TaskRing ring = new TaskRing(STRICT_RING_SIZE);
        private final StealQueue queue = new StealQueue(STRICT_CARRIERS);
        private final TaskRecord[] carriers = new TaskRecord[MAX_SHED];

        public StrictHandOff()
        {
        }

        @Operation(nonParallelGroup = "producer")
        public boolean produce(@Param(name = "value") final int value)
        {
            final long sequence = ring.tryClaimSlot();
            if (sequence < 0)
            {
                return false;
            }

            final TaskRecord slot = ring.slot(sequence);
            slot.task = value;
            slot.stripe = -1;
            ring.publish(sequence);

            return true;
        }

        @Operation(nonParallelGroup = "owner")
        public Integer ownerTake()
        {
            return claimAndTake();
        }

        @Operation(nonParallelGroup = "owner")
        public int shed(@Param(name = "count") final int count)
        {
            final int borrowed = queue.borrow(carriers, count);
            final int taken = ring.takeBatch(borrowed, carriers);
            queue.giveBack(carriers, taken, borrowed);
            queue.offer(carriers, taken);

            return taken;
        }

        @Operation(nonParallelGroup = "owner")
        public Integer steal()
        {
            final TaskRecord record = new TaskRecord();

            return queue.poll(record) ? (Integer)record.task : null;
        }

        @Operation
        public Integer thiefClaim()
        {
            return claimAndTake();
        }

        private Integer claimAndTake()
        {
            final long sequence = ring.claim();
            if (sequence < 0)
            {
                return null;
            }

            final TaskRecord record = new TaskRecord();
            ring.take(sequence, record);

            return (Integer)record.task;
        }
    }

    /**
     * Sequential specification: a bounded FIFO ring and an unbounded FIFO steal queue; shed moves
     * the oldest {@code count} tasks from one to the other.
     */
    public static final class FifoSpecification
    {
        private final ArrayDeque<Integer> ring = new ArrayDeque<>();
        private final ArrayDeque<Integer> stolen = new ArrayDeque<>();

        public FifoSpecification()
        {
        }

        public boolean produce(final int value)
        {
            if (ring.size() == STRICT_RING_SIZE)
            {
                return false;
            }
            ring.addLast(value);

            return true;
        }

        public Integer ownerTake()
        {
            return ring.pollFirst();
        }

        public int shed(final int count)
        {
            int moved = 0;
            while (moved < count && !ring.isEmpty())
            {
                stolen.addLast(ring.pollFirst());
                moved++;
            }

            return moved;
        }

        public Integer steal()
        {
            return stolen.pollFirst();
        }

        public Integer thiefClaim()
        {
            return ring.pollFirst();
        }
    }

    /**
     * The open target: every operation from every thread on a two-slot ring with four carriers.
     * Operations return nothing (their results are not linearizable, see the class comment); they
     * record what they took, and {@link #validate()} checks the invariants once all have returned.
     */
    @Param(name = "count", gen = IntGen.class, conf = "1:3")
    public static final class OpenHandOff
    {
        private static final int MAX_SEQUENCES = 64;

        private final TaskRing ring = new TaskRing(OPEN_RING_SIZE);
        private final StealQueue queue = new StealQueue(OPEN_CARRIERS);
        private final AtomicIntegerArray takes = new AtomicIntegerArray(MAX_SEQUENCES);
        private final AtomicInteger produced = new AtomicInteger();
        private volatile String violation;

        public OpenHandOff()
        {
        }

        @Operation
        public void produce()
        {
            if (TaskRingLincheckTest.produce(ring))
            {
                produced.incrementAndGet();
            }
        }

        @Operation
        public void ownerTake()
        {
            claimAndTake();
        }

        @Operation
        public void shed(@Param(name = "count") final int count)
        {
            final TaskRecord[] carriers = new TaskRecord[count];
            final int borrowed = queue.borrow(carriers, count);
            final int taken = ring.takeBatch(borrowed, carriers);
            for (int i = 1; i < taken; i++)
            {
                if (carriers[i].taskId != carriers[i - 1].taskId + 1)
                {
                    fail("shed batch not contiguous: " + carriers[i - 1].taskId + " then " +
                        carriers[i].taskId);
                }
            }
            queue.giveBack(carriers, taken, borrowed);
            queue.offer(carriers, taken);
        }

        @Operation
        public void steal()
        {
            final TaskRecord record = new TaskRecord();
            if (queue.poll(record))
            {
                noteTaken(record.taskId, record);
            }
        }

        @Operation
        public void thiefClaim()
        {
            claimAndTake();
        }

        @Validate
        public void validate()
        {
            final TaskRecord record = new TaskRecord();
            long sequence;
            while ((sequence = ring.claim()) >= 0)
            {
                ring.take(sequence, record);
                noteTaken(sequence, record);
            }
            while (queue.surplus() > 0)
            {
                if (queue.poll(record))
                {
                    noteTaken(record.taskId, record);
                }
            }

            final int published = produced.get();
            for (int s = 0; s < MAX_SEQUENCES; s++)
            {
                final int expected = s < published ? 1 : 0;
                if (takes.get(s) != expected)
                {
                    fail("sequence " + s + " taken " + takes.get(s) + " times, " + published +
                        " published");
                }
            }

            if (!ring.isDrained())
            {
                fail("ring not drained: released sequence behind the cursor");
            }

            final TaskRecord[] all = new TaskRecord[OPEN_CARRIERS];
            final int back = queue.borrow(all, OPEN_CARRIERS);
            queue.giveBack(all, 0, back);
            if (back != OPEN_CARRIERS || 0 != queue.surplus())
            {
                fail(back + " of " + OPEN_CARRIERS + " carriers back, surplus " + queue.surplus());
            }

            if (null != violation)
            {
                throw new AssertionError(violation);
            }
        }

        private void claimAndTake()
        {
            final long sequence = ring.claim();
            if (sequence >= 0)
            {
                final TaskRecord record = new TaskRecord();
                ring.take(sequence, record);
                noteTaken(sequence, record);
            }
        }

        private void noteTaken(final long sequence, final TaskRecord record)
        {
            if (record.taskId != sequence || !Long.valueOf(sequence).equals(record.task))
            {
                fail("sequence " + sequence + " carried task " + record.task + " id " +
                    record.taskId);
            }
            takes.incrementAndGet((int)sequence);
        }

        private void fail(final String message)
        {
            if (null == violation)
            {
                violation = message;
            }
            throw new AssertionError(message);
        }
    }
}
