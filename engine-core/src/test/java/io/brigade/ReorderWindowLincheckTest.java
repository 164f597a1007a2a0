package io.brigade;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the {@link ReorderWindow}: whatever the interleaving of entries, completions, skips and
 * drains, the emitted sequence is exactly the completed tickets in increasing order, skipped
 * tickets never appear, nothing is emitted twice or stranded, and no ticket is handed out while the
 * one {@code capacity} before it is still unfinished.
 * <p>
 * Per-call results of the window are not linearizable in general, by design rather than by fault:
 * a drain that finds the emitter flag taken returns at once and leaves its work to the current
 * emitter, so what one drain call emits depends on who held the flag; and the head advances one
 * ticket at a time, on behalf of other threads' completions, so an entry that races a drain can
 * see room that no atomic drain would have made yet (or, when the emitter lags, no room after a
 * completion has returned). With entry and drain free on every thread the model checker shows it
 * at once: after {@code acquire(): 0, complete: 0, acquire(): 1}, thread 2's {@code drain()}
 * returns {@code []} because thread 1 holds the emitter flag, thread 2 then completes ticket 1,
 * and thread 1's drain, still going, returns {@code [0, 1]}: no atomic order explains both.
 * Two targets follow from that:
 * <ul>
 * <li>a strict one, checked against a sequential specification: entry and drain on one thread
 * (so the head only moves between that thread's entries) and completions and skips from the
 * others, each picking a pending ticket from a shared pool;</li>
 * <li>an open one, with every operation on every thread, completions and skips followed by a
 * drain as a worker does, each thread finishing only tickets it took itself; its operations
 * return nothing and the invariants are checked as they run and after the last one
 * ({@link OpenWindow#validate()}), including that no finished ticket is left parked at the head
 * once every call has returned (a lost hand-over of the emitter flag).</li>
 * </ul>
 * Lincheck creates its targets and specifications reflectively without {@code setAccessible}, so
 * they are public nested classes with public constructors.
 */
class ReorderWindowLincheckTest
{
    private static final int CAPACITY = 2;
    private static final long NONE = -1;

    @Test
    @Timeout(120)
    void shouldMatchSpecificationWhenOneThreadEntersAndDrainsModelChecked()
    {
        new ModelCheckingOptions()
            .iterations(10)
            .invocationsPerIteration(200)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(2)
            .sequentialSpecification(WindowSpecification.class)
            .check(FrontDrainedWindow.class);
    }

    @Test
    @Timeout(120)
    void shouldMatchSpecificationWhenOneThreadEntersAndDrainsUnderStress()
    {
        new StressOptions()
            .iterations(10)
            .invocationsPerIteration(500)
            .threads(3)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(2)
            .sequentialSpecification(WindowSpecification.class)
            .check(FrontDrainedWindow.class);
    }

    @Test
    @Timeout(120)
    void shouldEmitCompletedTicketsInOrderWhenAllOperationsRaceModelChecked()
    {
        new ModelCheckingOptions()
            .iterations(10)
            .invocationsPerIteration(200)
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(2)
            .actorsAfter(2)
            .check(OpenWindow.class);
    }

    @Test
    @Timeout(120)
    void shouldEmitCompletedTicketsInOrderWhenAllOperationsRaceUnderStress()
    {
        new StressOptions()
            .iterations(10)
            .invocationsPerIteration(500)
            .threads(3)
            .actorsPerThread(4)
            .actorsBefore(2)
            .actorsAfter(2)
            .check(OpenWindow.class);
    }

    /**
     * Four threads take tickets, hold a few, and finish them in random order with random delays,
     * skipping some; with {@code drainEach} every finish is followed by a drain, as a worker does,
     * and otherwise the window is large enough that nobody has to. One final drain, then the
     * emitted list must be exactly the completed tickets, in order, each once.
     */
    @ParameterizedTest(name = "capacity={0} ticketsPerThread={1} drainEach={2} seed={3}")
    @CsvSource({
        "1, 10000, true, 21",
        "2, 20000, true, 22",
        "8, 20000, true, 23",
        "64, 20000, true, 24",
        "4096, 1000, false, 25"})
    @Timeout(60)
    void shouldEmitCompletedTicketsInOrderWhenFourThreadsFinishOutOfOrder(
        final int capacity,
        final int ticketsPerThread,
        final boolean drainEach,
        final long seed) throws Exception
    {
        final int threadCount = 4;
        final int totalTickets = threadCount * ticketsPerThread;
        final ReorderWindow window = new ReorderWindow(capacity, capacity);
        final AtomicIntegerArray finished = new AtomicIntegerArray(totalTickets);
        final AtomicReference<String> violation = new AtomicReference<>();
        final CheckingEmitter emitter = new CheckingEmitter(finished, violation);
        final CyclicBarrier start = new CyclicBarrier(threadCount);
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < threadCount; i++)
        {
            final SplittableRandom random = new SplittableRandom(seed * 131 + i);
            final Thread thread = new Thread(
                () -> finishOutOfOrder(
                    window, emitter, finished, random, ticketsPerThread, drainEach, start,
                    violation),
                "window-stress-" + i);
            threads.add(thread);
            thread.start();
        }

        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
        }

        if (drainEach)
        {
            assertThat(window.isHeadParked())
                .as("a finished ticket stranded at the head").isFalse();
        }
        window.drain(emitter);

        assertThat(violation.get()).isNull();
        final List<Long> expected = new ArrayList<>();
        for (int t = 0; t < totalTickets; t++)
        {
            assertThat(finished.get(t)).as("ticket %d finished", t).isNotZero();
            if (COMPLETED == finished.get(t))
            {
                expected.add((long)t);
            }
        }
        assertThat(emitter.emitted).containsExactlyElementsOf(expected);
        assertThat(window.occupancy()).isZero();
        assertThat(window.isHeadParked()).isFalse();
    }

    private static final int UNFINISHED = 0;
    private static final int COMPLETED = 1;
    private static final int SKIPPED = 2;

    private static void finishOutOfOrder(
        final ReorderWindow window,
        final ReorderWindow.Emitter emitter,
        final AtomicIntegerArray finished,
        final SplittableRandom random,
        final int tickets,
        final boolean drainEach,
        final CyclicBarrier start,
        final AtomicReference<String> violation)
    {
        final List<Long> pending = new ArrayList<>();
        final TaskRecord record = new TaskRecord();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int acquired = 0;
        await(start);
        while ((acquired < tickets || !pending.isEmpty()) && null == violation.get())
        {
            final int hold = 1 + random.nextInt(4);
            if (acquired < tickets && pending.size() < hold)
            {
                final long ticket = window.tryAcquire();
                if (ticket >= 0)
                {
                    checkCapacity(ticket, window.capacity(), finished, violation);
                    pending.add(ticket);
                    acquired++;
                    continue;
                }
            }

            if (pending.isEmpty())
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    violation.compareAndSet(null, "no ticket for 20 s, occupancy " +
                        window.occupancy() + ", head parked " + window.isHeadParked());
                }
                // Yield, not spin: on two cores a spinning waiter starves the holder of the head.
                Thread.yield();
                continue;
            }

            final long ticket = pending.remove(random.nextInt(pending.size()));
            delay(random);
            if (random.nextInt(5) == 0)
            {
                finished.set((int)ticket, SKIPPED);
                window.skip(ticket);
            }
            else
            {
                finished.set((int)ticket, COMPLETED);
                record.task = ticket;
                record.taskId = ticket;
                window.complete(ticket, record);
            }

            if (drainEach)
            {
                window.drain(emitter);
            }
        }
    }

    private static void checkCapacity(
        final long ticket,
        final int capacity,
        final AtomicIntegerArray finished,
        final AtomicReference<String> violation)
    {
        // The head only passes finished tickets, so a ticket handed out while the one a full
        // window before it is unfinished means the window let more than capacity in.
        if (ticket >= capacity && UNFINISHED == finished.get((int)(ticket - capacity)))
        {
            violation.compareAndSet(null, "ticket " + ticket + " handed out while ticket " +
                (ticket - capacity) + " was unfinished");
        }
    }

    private static void delay(final SplittableRandom random)
    {
        final int roll = random.nextInt(1000);
        if (roll < 50)
        {
            Thread.yield();
        }
        else if (roll < 52)
        {
            LockSupport.parkNanos(20_000);
        }
        else if (roll < 200)
        {
            for (int i = random.nextInt(100); i > 0; i--)
            {
                Thread.onSpinWait();
            }
        }
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
     * Records emitted tickets and checks, as they come, that there is one emitter at a time, that
     * each emitted ticket was completed (not skipped), and that tickets come in increasing order.
     */
    static final class CheckingEmitter implements ReorderWindow.Emitter
    {
        final List<Long> emitted = new ArrayList<>();
        private final AtomicIntegerArray finished;
        private final AtomicReference<String> violation;
        private final AtomicInteger emitters = new AtomicInteger();

        CheckingEmitter(final AtomicIntegerArray finished, final AtomicReference<String> violation)
        {
            this.finished = finished;
            this.violation = violation;
        }

        public void emit(final TaskRecord record)
        {
            if (1 != emitters.incrementAndGet())
            {
                violation.compareAndSet(null, "two emitters at once");
            }

            final long ticket = record.taskId;
            if (!Long.valueOf(ticket).equals(record.task))
            {
                violation.compareAndSet(
                    null, "record of ticket " + ticket + " carries " + record.task);
            }
            if (COMPLETED != finished.get((int)ticket))
            {
                violation.compareAndSet(null, "emitted ticket " + ticket + " in state " +
                    finished.get((int)ticket));
            }
            if (!emitted.isEmpty() && emitted.get(emitted.size() - 1) >= ticket)
            {
                violation.compareAndSet(null, "ticket " + ticket + " emitted after " +
                    emitted.get(emitted.size() - 1));
            }
            emitted.add(ticket);
            emitters.decrementAndGet();
        }
    }

    /**
     * The strict target: {@code acquire} and {@code drain} on one thread; {@code complete} and
     * {@code skip} on any, finishing the pending ticket at {@code pick} (modulo the pool size).
     * The pool is a test fixture; its lock makes "take a ticket from the pool and finish it" one
     * step, while the window's own completion still races the drain.
     */
    @Param(name = "pick", gen = IntGen.class, conf = "0:3")
    public static final class FrontDrainedWindow
    {
        private final ReorderWindow window = new ReorderWindow(CAPACITY, CAPACITY);
        private final List<Long> pending = new ArrayList<>();

        public FrontDrainedWindow()
        {
        }

        @Operation(nonParallelGroup = "front")
        public long acquire()
        {
            synchronized (pending)
            {
                final long ticket = window.tryAcquire();
                if (ticket >= 0)
                {
                    pending.add(ticket);
                }

                return ticket;
            }
        }

        @Operation
        public long complete(@Param(name = "pick") final int pick)
        {
            synchronized (pending)
            {
                if (pending.isEmpty())
                {
                    return NONE;
                }

                final long ticket = pending.remove(pick % pending.size());
                final TaskRecord record = new TaskRecord();
                record.task = ticket;
                record.taskId = ticket;
                window.complete(ticket, record);

                return ticket;
            }
        }

        @Operation
        public long skip(@Param(name = "pick") final int pick)
        {
            synchronized (pending)
            {
                if (pending.isEmpty())
                {
                    return NONE;
                }

                final long ticket = pending.remove(pick % pending.size());
                window.skip(ticket);

                return ticket;
            }
        }

        @Operation(nonParallelGroup = "front")
        public List<Long> drain()
        {
            final List<Long> emitted = new ArrayList<>();
            window.drain((record) -> emitted.add(record.taskId));

            return emitted;
        }
    }

    /**
     * Sequential specification of the window: tickets in order, at most {@link #CAPACITY} not yet
     * passed by the head; a drain passes every finished ticket from the head and returns the
     * completed ones.
     */
    public static final class WindowSpecification
    {
        private final List<Long> pending = new ArrayList<>();
        private final Map<Long, Boolean> finished = new HashMap<>();
        private long head;
        private long tail;

        public WindowSpecification()
        {
        }

        public long acquire()
        {
            if (tail - head >= CAPACITY)
            {
                return NONE;
            }
            pending.add(tail);

            return tail++;
        }

        public long complete(final int pick)
        {
            return finish(pick, true);
        }

        public long skip(final int pick)
        {
            return finish(pick, false);
        }

        public List<Long> drain()
        {
            final List<Long> emitted = new ArrayList<>();
            Boolean completed;
            while (null != (completed = finished.remove(head)))
            {
                if (completed)
                {
                    emitted.add(head);
                }
                head++;
            }

            return emitted;
        }

        private long finish(final int pick, final boolean completed)
        {
            if (pending.isEmpty())
            {
                return NONE;
            }

            final long ticket = pending.remove(pick % pending.size());
            finished.put(ticket, completed);

            return ticket;
        }
    }

    /**
     * The open target: every operation on every thread, a thread finishing only tickets it took.
     * Operations return nothing; violations are recorded as they happen and reported by
     * {@link #validate()}, which also checks the state once every call has returned.
     */
    @Param(name = "thread", gen = ThreadIdGen.class)
    @Param(name = "pick", gen = IntGen.class, conf = "0:3")
    public static final class OpenWindow
    {
        private static final int MAX_THREADS = 8;
        private static final int MAX_TICKETS = 64;

        private final ReorderWindow window = new ReorderWindow(CAPACITY, CAPACITY);
        private final AtomicIntegerArray finished = new AtomicIntegerArray(MAX_TICKETS);
        private final AtomicReference<String> violation = new AtomicReference<>();
        private final CheckingEmitter emitter = new CheckingEmitter(finished, violation);
        private final AtomicInteger acquired = new AtomicInteger();
        private final List<List<Long>> pending = new ArrayList<>();

        public OpenWindow()
        {
            for (int i = 0; i < MAX_THREADS; i++)
            {
                pending.add(new ArrayList<>());
            }
        }

        @Operation
        public void acquire(@Param(name = "thread") final int thread)
        {
            final long ticket = window.tryAcquire();
            if (ticket >= 0)
            {
                acquired.incrementAndGet();
                checkCapacity(ticket, CAPACITY, finished, violation);
                pending.get(thread).add(ticket);
            }
        }

        @Operation
        public void complete(
            @Param(name = "thread") final int thread,
            @Param(name = "pick") final int pick)
        {
            final List<Long> mine = pending.get(thread);
            if (!mine.isEmpty())
            {
                final long ticket = mine.remove(pick % mine.size());
                finished.set((int)ticket, COMPLETED);
                final TaskRecord record = new TaskRecord();
                record.task = ticket;
                record.taskId = ticket;
                window.complete(ticket, record);
                window.drain(emitter);
            }
        }

        @Operation
        public void skip(
            @Param(name = "thread") final int thread,
            @Param(name = "pick") final int pick)
        {
            final List<Long> mine = pending.get(thread);
            if (!mine.isEmpty())
            {
                final long ticket = mine.remove(pick % mine.size());
                finished.set((int)ticket, SKIPPED);
                window.skip(ticket);
                window.drain(emitter);
            }
        }

        @Operation
        public void drain()
        {
            window.drain(emitter);
        }

        @Validate
        public void validate()
        {
            if (window.isHeadParked())
            {
                throw new AssertionError("a finished ticket is parked at the head and nobody " +
                    "drains it; emitted " + emitter.emitted);
            }
            window.drain(emitter);
            if (null != violation.get())
            {
                throw new AssertionError(violation.get());
            }

            final int tickets = acquired.get();
            int firstUnfinished = tickets;
            final List<Long> expected = new ArrayList<>();
            for (int t = 0; t < tickets; t++)
            {
                if (UNFINISHED == finished.get(t))
                {
                    firstUnfinished = t;
                    break;
                }

                if (COMPLETED == finished.get(t))
                {
                    expected.add((long)t);
                }
            }

            if (!expected.equals(emitter.emitted))
            {
                throw new AssertionError("emitted " + emitter.emitted + ", expected " + expected);
            }

            if (window.occupancy() != tickets - firstUnfinished)
            {
                throw new AssertionError("occupancy " + window.occupancy() + " with " + tickets +
                    " tickets taken and the first unfinished at " + firstUnfinished);
            }
        }
    }
}
