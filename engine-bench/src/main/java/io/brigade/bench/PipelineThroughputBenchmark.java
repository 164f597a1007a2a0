package io.brigade.bench;

import io.brigade.Pipeline;
import io.brigade.StageOrder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of a three-stage pipeline of trivial tasks: Brigade against three
 * {@link ArrayBlockingQueue} stages joined by plain threads, measured in the same run.
 * <p>
 * One operation is one task through all three stages; an invocation submits a burst and waits
 * until the last task of the burst leaves the pipeline, so the figure includes the drain.
 * Payloads come from a preallocated pool on both sides, so neither allocates per task.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class PipelineThroughputBenchmark
{
    private static final int BURST = 65_536;

    /** Which implementation carries the tasks. */
    @Param({"brigade", "abq"})
    public String engine;

    /** Workers per stage for Brigade (the queue baseline always has one thread per stage). */
    @Param({"1"})
    public int workers;

    private final Task[] pool = new Task[BURST];
    private final AtomicLong done = new AtomicLong();
    private Pipeline<Task> pipeline;
    private AbqPipeline abq;
    private long target;

    /**
     * A payload carried through the stages.
     */
    public static final class Task
    {
        long value;
    }

    /**
     * Builds and starts the pipeline under test.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < BURST; i++)
        {
            pool[i] = new Task();
        }

        if ("brigade".equals(engine))
        {
            pipeline = Pipeline.<Task>builder("bench")
                .stage("one", (Task t) -> t.value++).workers(workers).order(StageOrder.UNORDERED).and()
                .stage("two", (Task t) -> t.value++).workers(workers).and()
                .stage("three", (Task t) -> t.value++).workers(workers).and()
                .idleStrategy("yield")
                .onComplete((task, id) -> done.incrementAndGet())
                .build();
            pipeline.start();
        }
        else
        {
            abq = new AbqPipeline(done);
        }
    }

    /**
     * Stops the pipeline under test.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != pipeline)
        {
            pipeline.close();
        }

        if (null != abq)
        {
            abq.close();
        }
    }

    /**
     * Submits a burst and waits for it to leave the pipeline.
     *
     * @return tasks completed so far, so the work is not dead code.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long burst()
    {
        target += BURST;
        for (int i = 0; i < BURST; i++)
        {
            if (null != pipeline)
            {
                pipeline.submit(pool[i]);
            }
            else
            {
                abq.submit(pool[i]);
            }
        }

        while (done.get() < target)
        {
            Thread.onSpinWait();
        }

        return done.get();
    }

    /**
     * Runs this benchmark from an IDE.
     *
     * @param args ignored.
     * @throws RunnerException when JMH fails.
     */
    public static void main(final String[] args) throws RunnerException
    {
        new Runner(new OptionsBuilder().include(PipelineThroughputBenchmark.class.getSimpleName()).build()).run();
    }

    /**
     * The baseline: three stages, each a thread taking from an {@link ArrayBlockingQueue} and putting
     * into the next.
     */
    static final class AbqPipeline
    {
        private static final Task POISON = new Task();
        private final ArrayBlockingQueue<Task> first = new ArrayBlockingQueue<>(1024);
        private final ArrayBlockingQueue<Task> second = new ArrayBlockingQueue<>(1024);
        private final ArrayBlockingQueue<Task> third = new ArrayBlockingQueue<>(1024);
        private final Thread[] threads;

        AbqPipeline(final AtomicLong done)
        {
            threads = new Thread[] {
                new Thread(() -> relay(first, second, null), "abq-one"),
                new Thread(() -> relay(second, third, null), "abq-two"),
                new Thread(() -> relay(third, null, done), "abq-three")};
            for (final Thread thread : threads)
            {
                thread.start();
            }
        }

        void submit(final Task task)
        {
            putUninterruptibly(first, task);
        }

        void close()
        {
            putUninterruptibly(first, POISON);
            for (final Thread thread : threads)
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static void relay(
            final ArrayBlockingQueue<Task> in,
            final ArrayBlockingQueue<Task> out,
            final AtomicLong done)
        {
            while (true)
            {
                final Task task;
                try
                {
                    task = in.take();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }

                if (POISON != task)
                {
                    task.value++;
                }

                if (null != out)
                {
                    putUninterruptibly(out, task);
                }
                else if (POISON != task)
                {
                    done.incrementAndGet();
                }

                if (POISON == task)
                {
                    return;
                }
            }
        }

        private static void putUninterruptibly(final ArrayBlockingQueue<Task> queue, final Task task)
        {
            boolean interrupted = false;
            while (true)
            {
                try
                {
                    queue.put(task);
                    break;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }

            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
