package io.brigade;

import io.brigade.balance.Weights;
import io.brigade.metrics.LatencySummary;
import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;
import io.brigade.metrics.WorkerCounter;
import io.brigade.metrics.WorkerMetrics;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A running pipeline: stages of workers, each worker a thread with its own Disruptor ring, tasks
 * flowing from stage to stage with no locks and no allocation per task.
 * <p>
 * Life cycle: {@link PipelineBuilder#build()}, then {@link #start()}, then any number of
 * {@link #submit} or {@link #trySubmit} calls from any threads, then {@link #close()}, which
 * finishes every accepted task before it ends the threads.
 * <p>
 * Accounting: every id a submit call returns ends exactly once, in the {@link CompletionHandler}
 * or in the {@link TaskErrorHandler}. Submit calls that return {@link #CLOSED} or
 * {@link #BACK_PRESSURED} hand nothing in.
 * <p>
 * Payload ownership: the engine holds a reference to a task from the submit call until the handler
 * that ends it returns, and none afterwards; ring slots, steal carriers and window slots are
 * cleared as soon as a task leaves them.
 * <p>
 * <b>Note:</b> do not call the blocking {@link #submit} from inside a processor of the same
 * pipeline: if the first stage is full, the worker waits for itself. Use {@link #trySubmit}.
 *
 * @param <T> type of the task.
 */
public final class Pipeline<T> implements AutoCloseable
{
    /** Returned by submit calls when the pipeline no longer accepts tasks. */
    public static final long CLOSED = -1;

    /** Returned by {@link #trySubmit} when the first stage has no room right now. */
    public static final long BACK_PRESSURED = -2;

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DRAINING = 2;
    private static final int STOPPED = 3;

    private static final long CLEAN_EXIT_GRACE_MS = 10_000;
    private static final long ABORT_EXIT_GRACE_MS = 2_000;
    private static final int ERROR_LOG_BYTES = 64 * 1024;

    private final String name;
    private final Stage[] stages;
    private final CompletionHandler<Object> completionHandler;
    private final TaskErrorHandler<Object> errorHandler;
    private final String idleAlias;
    private final long idleMaxParkNs;
    private final long balancerPeriodNs;
    private final double balancerPercentile;
    private final boolean printConfiguration;
    private final boolean anyWeighted;
    private final CountersManager countersManager;
    private final DistinctErrorLog errorLog;
    private final UnsafeBuffer errorBuffer;
    private final AtomicLong submitted = new AtomicLong();
    private final LongAdder offersEnded = new LongAdder();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong engineErrors = new AtomicLong();
    private final AtomicLong errorHandlerFailures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Object lifecycleLock = new Object();
    private final Sampler sampler;
    private volatile int state = NEW;
    private volatile boolean aborted;
    private AgentRunner controlRunner;
    private Thread controlThread;
    private long startNs;
    private long stopNs;
    private boolean closedCleanly;

    @SuppressWarnings("unchecked")
    Pipeline(final PipelineBuilder<T> builder)
    {
        name = builder.name;
        completionHandler = null == builder.completionHandler ?
            (task, id) -> {} : (CompletionHandler<Object>)builder.completionHandler;
        errorHandler = (TaskErrorHandler<Object>)builder.errorHandler;
        idleAlias = builder.idleStrategy;
        idleMaxParkNs = builder.idleMaxParkNs;
        balancerPeriodNs = builder.balancerPeriodNs;
        balancerPercentile = builder.balancerPercentile;
        printConfiguration = builder.printConfiguration;

        final int stageCount = builder.stages.size();
        stages = new Stage[stageCount];
        int workerCount = 0;
        boolean weighted = false;
        for (int i = 0; i < stageCount; i++)
        {
            stages[i] = new Stage(this, i, builder.stages.get(i));
            workerCount += stages[i].workers();
            weighted |= stages[i].weighted;
        }
        anyWeighted = weighted;

        final int counterCount = workerCount * WorkerCounter.values().length;
        countersManager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(counterCount * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(counterCount * CountersReader.COUNTER_LENGTH)));
        errorBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(ERROR_LOG_BYTES));
        errorLog = new DistinctErrorLog(errorBuffer, System::currentTimeMillis);

        for (int i = 0; i < stageCount; i++)
        {
            final Stage stage = stages[i];
            stage.next = i + 1 < stageCount ? stages[i + 1] : null;
            final StageBuilder<T> spec = builder.stages.get(i);
            for (int w = 0; w < stage.workers(); w++)
            {
                final Processor<Object> processor = (Processor<Object>)Objects.requireNonNull(
                    spec.processors.apply(w), "stage '" + spec.name + "': processor factory returned null");
                stage.workers[w] = new Worker(
                    this,
                    stage,
                    w,
                    processor,
                    EngineConfiguration.idleStrategy(idleAlias, idleMaxParkNs),
                    newBackpressureIdle(),
                    newCounters(stage, w));
            }
        }

        for (final Stage stage : stages)
        {
            for (final Worker worker : stage.workers)
            {
                worker.downstreamBalancer = null == stage.next ? null : stage.next.newBalancer();
            }
        }
        sampler = new Sampler(stages);
    }

    /**
     * Starts describing a pipeline.
     *
     * @param name names the pipeline's threads and counters.
     * @param <T>  type of the task.
     * @return a builder.
     */
    public static <T> PipelineBuilder<T> builder(final String name)
    {
        return new PipelineBuilder<>(name);
    }

    /**
     * The pipeline's name.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * Names of the stages, in order.
     *
     * @return the names.
     */
    public List<String> stageNames()
    {
        final List<String> names = new ArrayList<>(stages.length);
        for (final Stage stage : stages)
        {
            names.add(stage.name);
        }

        return names;
    }

    /**
     * Starts every worker thread, named {@code <pipeline>-<stage>-<worker>}, and the control agent
     * when a stage balances by weight.
     *
     * @throws IllegalStateException when already started or closed.
     */
    public void start()
    {
        synchronized (lifecycleLock)
        {
            if (NEW != state)
            {
                throw new IllegalStateException("pipeline '" + name + "' was already started or closed");
            }

            if (printConfiguration)
            {
                System.err.print(describe());
            }

            for (final Stage stage : stages)
            {
                for (final Worker worker : stage.workers)
                {
                    final Thread thread = new Thread(worker, worker.roleName);
                    threads.add(thread);
                }
            }

            startNs = System.nanoTime();
            state = RUNNING;
            for (final Thread thread : threads)
            {
                thread.start();
            }

            if (anyWeighted)
            {
                final ControlAgent agent = new ControlAgent(this, balancerPeriodNs);
                controlRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), this::onEngineError, null, agent);
                // The pipeline keeps the thread itself: a runner closed before its thread has run
                // returns without joining it.
                controlThread = new Thread(controlRunner, agent.roleName());
                controlThread.start();
            }
        }
    }

    /**
     * Hands a task to the first stage, waiting while it is full.
     *
     * @param task the task; the engine holds it until a handler ends it.
     * @return the task's id (zero or more), or {@link #CLOSED} when the pipeline is closing or
     * closed, or was closed while this call waited.
     * @throws NullPointerException  when the task is null.
     * @throws IllegalStateException when the pipeline was never started.
     */
    public long submit(final T task)
    {
        return offer(task, true);
    }

    /**
     * Hands a task to the first stage if it has room now.
     *
     * @param task the task; the engine holds it until a handler ends it.
     * @return the task's id (zero or more), {@link #BACK_PRESSURED} when the first stage is full,
     * or {@link #CLOSED} when the pipeline is closing or closed.
     * @throws NullPointerException  when the task is null.
     * @throws IllegalStateException when the pipeline was never started.
     */
    public long trySubmit(final T task)
    {
        return offer(task, false);
    }

    private long offer(final T task, final boolean wait)
    {
        Objects.requireNonNull(task, "task");
        if (NEW == state)
        {
            throw new IllegalStateException("pipeline '" + name + "' is not started: call start() first");
        }

        // Taking the id before reading the state pairs with close(), which sets the state before it
        // reads the id counter: either close sees this id and waits for it, or this sees the close.
        final long taskId = submitted.getAndIncrement();
        try
        {
            if (RUNNING != state)
            {
                rejected.incrementAndGet();
                return CLOSED;
            }

            final long nowNs = System.nanoTime();
            final int result = stages[0].dispatch(task, taskId, nowNs, nowNs, null, wait);
            switch (result)
            {
                case Stage.OK:
                case Stage.FAILED:
                    return taskId;

                case Stage.BACK_PRESSURED:
                    rejected.incrementAndGet();
                    return BACK_PRESSURED;

                default:
                    rejected.incrementAndGet();
                    return CLOSED;
            }
        }
        finally
        {
            // Lets a close that gives up wait for submitters still publishing before it sweeps.
            offersEnded.increment();
        }
    }

    /**
     * Stops accepting tasks, waits until every accepted task has completed or failed, then ends
     * every thread. Blocks for as long as that takes; see {@link #close(long, TimeUnit)} to bound
     * it, or to learn whether the close was clean. Once it returns, everything the processors and
     * handlers did happens-before the return. Calling it again does nothing.
     */
    public void close()
    {
        close(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * Stops accepting tasks and waits up to {@code timeout} for every accepted task to complete or
     * fail, then ends every thread.
     * <p>
     * If time runs out, or the calling thread is interrupted (its interrupt flag is kept), the
     * close gives up: workers stop taking tasks, and every task still queued in a ring, a steal
     * queue or a reorder window is reported to the error handler with a
     * {@link PipelineClosedException} and counted as failed. A task inside a processor that never
     * returns cannot be reported and keeps its thread alive.
     *
     * @param timeout longest wait for the drain.
     * @param unit    unit of {@code timeout}.
     * @return true when every accepted task completed or failed and every thread ended; then
     * everything the processors and handlers did happens-before this method returns, so their
     * state can be read without further synchronisation.
     * @throws IllegalStateException when called from one of the pipeline's worker threads.
     */
    public boolean close(final long timeout, final TimeUnit unit)
    {
        synchronized (lifecycleLock)
        {
            if (STOPPED == state)
            {
                return closedCleanly;
            }

            if (NEW == state)
            {
                state = STOPPED;
                closedCleanly = true;
                return true;
            }

            if (threads.contains(Thread.currentThread()))
            {
                throw new IllegalStateException(
                    "pipeline '" + name + "' cannot be closed from its own worker thread " +
                    Thread.currentThread().getName() + ": the close would wait for the task that called it");
            }

            if (RUNNING == state)
            {
                state = DRAINING;
            }
        }

        // Waited for without the lock, so that concurrent closes each keep their own time limit:
        // the first to see the pipeline drained, or to run out of time, stops it.
        final boolean drained = awaitQuiescence(unit.toNanos(timeout));

        synchronized (lifecycleLock)
        {
            if (STOPPED == state)
            {
                return closedCleanly;
            }

            if (!drained)
            {
                aborted = true;
            }

            boolean exited = stopThreads(drained ? CLEAN_EXIT_GRACE_MS : ABORT_EXIT_GRACE_MS);
            if (drained)
            {
                clearSkippedTickets();
            }
            else
            {
                // A submitter that passed the state check before the abort may still be publishing;
                // the sweep must see its task, and the slots behind it.
                exited &= awaitSubmittersOut(ABORT_EXIT_GRACE_MS);
                sweepAbandoned();
            }

            if (null != controlRunner)
            {
                controlRunner.close();
                joinQuietly(controlThread, CLEAN_EXIT_GRACE_MS);
            }

            stopNs = System.nanoTime();
            state = STOPPED;
            closedCleanly = drained && exited;

            return closedCleanly;
        }
    }

    /**
     * Takes a snapshot of the pipeline's accounting, counters and latencies.
     * <p>
     * Latency percentiles cover everything recorded since start. Safe from any thread.
     *
     * @return the snapshot.
     */
    public PipelineMetrics metrics()
    {
        final Histogram endToEnd;
        final List<StageMetrics> stageMetrics = new ArrayList<>(stages.length);
        synchronized (sampler)
        {
            sampler.sample();
            endToEnd = sampler.endToEnd();
            for (final Stage stage : stages)
            {
                final List<WorkerMetrics> workerMetrics = new ArrayList<>(stage.workers());
                for (final Worker worker : stage.workers)
                {
                    workerMetrics.add(workerMetrics(worker));
                }
                stageMetrics.add(new StageMetrics(
                    stage.name,
                    stage.order,
                    List.copyOf(workerMetrics),
                    stage.entryFailures.get(),
                    null == stage.stealQueue ? 0 : stage.stealQueue.surplus(),
                    LatencySummary.of(sampler.stageLatency(stage.index)),
                    LatencySummary.of(sampler.serviceTime(stage.index))));
            }
        }

        final long completed = completedCount();
        final long failed = failedCount();
        final long rejectedCount = rejected.get();
        final long submittedCount = submitted.get();
        final long elapsedNs = (0 == stopNs ? System.nanoTime() : stopNs) - startNs;

        return new PipelineMetrics(
            name,
            0 == startNs ? 0 : elapsedNs,
            submittedCount,
            completed,
            failed,
            rejectedCount,
            LatencySummary.of(endToEnd),
            List.copyOf(stageMetrics));
    }

    /**
     * The live counters ({@link WorkerCounter}), readable at any time from any thread.
     *
     * @return a reader over the pipeline's counters buffer.
     */
    public CountersReader counters()
    {
        return countersManager;
    }

    /**
     * Reads the distinct errors recorded so far: task failures when no error handler was given,
     * failures of the error handler itself, and engine faults. Each distinct stack trace appears
     * once, with how many times it was seen.
     *
     * @param consumer receives each distinct error.
     * @return how many distinct errors were read.
     */
    public int readErrorLog(final ErrorConsumer consumer)
    {
        return ErrorLogReader.read(errorBuffer, consumer);
    }

    /**
     * Faults inside the engine itself (never a processor's failure). Should stay zero; anything
     * else is a bug, and its stack trace is in {@link #readErrorLog}.
     *
     * @return the count.
     */
    public long engineErrors()
    {
        return engineErrors.get();
    }

    /**
     * Times the error channel itself failed: the error handler threw, or, without a handler, a
     * failure could not be recorded in the error log. The task was still counted as failed.
     *
     * @return the count.
     */
    public long errorHandlerFailures()
    {
        return errorHandlerFailures.get();
    }

    /**
     * Prints the effective configuration, one line per stage.
     *
     * @return the description.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder();
        text.append("pipeline '").append(name).append("': idle=").append(idleAlias)
            .append(" idleMaxParkNs=").append(idleMaxParkNs)
            .append(" balancerPeriodNs=").append(balancerPeriodNs)
            .append(" balancerPercentile=").append(balancerPercentile).append('\n');
        for (final Stage stage : stages)
        {
            text.append("  stage '").append(stage.name).append("': workers=").append(stage.workers())
                .append(" ringSize=").append(stage.ringSize())
                .append(" order=").append(stage.order)
                .append(" balance=").append(stage.balanceName())
                .append(" maxAttempts=").append(stage.maxAttempts)
                .append(" stealing=").append(stage.stealing);
            if (stage.stealing)
            {
                text.append(" shedThreshold=").append(stage.shedThreshold)
                    .append(" stealBatch=").append(stage.stealBatch)
                    .append(" stealAttempts=").append(stage.stealAttempts);
            }
            if (null != stage.window)
            {
                text.append(" reorderWindow=").append(stage.window.capacity())
                    .append(" maxInFlight=").append(stage.window.limit());
            }
            if (null != stage.stripes)
            {
                text.append(" keyStripes=").append(stage.stripes.count());
            }
            text.append('\n');
        }

        return text.toString();
    }

    boolean isAccepting()
    {
        return RUNNING == state;
    }

    /**
     * True from the moment a timed close gives up, for good: a processor that returns after the
     * close must not hand its task to a stage no thread serves any more.
     */
    boolean isAborting()
    {
        return aborted;
    }

    Stage[] stages()
    {
        return stages;
    }

    IdleStrategy newBackpressureIdle()
    {
        return EngineConfiguration.idleStrategy("backoff", idleMaxParkNs);
    }

    void onComplete(final Object task, final long taskId)
    {
        completionHandler.onComplete(task, taskId);
    }

    void reportFailure(
        final Object task,
        final long taskId,
        final Stage stage,
        final int worker,
        final Throwable cause,
        final int attempts)
    {
        try
        {
            if (null == errorHandler)
            {
                errorLog.record(cause);
            }
            else
            {
                errorHandler.onTaskError(task, taskId, stage.name, worker, cause, attempts);
            }
        }
        catch (final Throwable ex)
        {
            errorHandlerFailures.incrementAndGet();
            recordQuietly(ex);
        }
    }

    void abandon(final TaskRecord record, final Stage stage, final String where)
    {
        abandoned.incrementAndGet();
        reportFailure(
            record.task,
            record.taskId,
            stage,
            TaskErrorHandler.NO_WORKER,
            new PipelineClosedException("task " + record.taskId + " " + where + " when pipeline '" + name +
                "' was closed before it finished"),
            0);
    }

    void onEngineError(final Throwable ex)
    {
        engineErrors.incrementAndGet();
        recordQuietly(ex);
    }

    private void recordQuietly(final Throwable ex)
    {
        try
        {
            errorLog.record(ex);
        }
        catch (final Throwable unrecordable)
        {
            // A throwable whose message or stack trace throws cannot be logged; it is counted by
            // the caller, and nothing else may be lost over it.
        }
    }

    void rebalance()
    {
        synchronized (sampler)
        {
            sampler.sample();
            for (final Stage stage : stages)
            {
                if (stage.weighted)
                {
                    final int[] schedule = new int[stage.schedule().length];
                    sampler.weigh(stage, balancerPercentile, schedule);
                    stage.schedule(schedule);
                }
            }
        }
    }

    private AtomicCounter[] newCounters(final Stage stage, final int worker)
    {
        final WorkerCounter[] kinds = WorkerCounter.values();
        final AtomicCounter[] counters = new AtomicCounter[kinds.length];
        for (final WorkerCounter kind : kinds)
        {
            counters[kind.ordinal()] = countersManager.newCounter(
                name + "." + stage.name + "." + worker + ": " + kind.label(), kind.typeId());
        }

        return counters;
    }

    private static WorkerMetrics workerMetrics(final Worker worker)
    {
        final AtomicCounter[] c = worker.counters;

        return new WorkerMetrics(
            worker.index,
            c[WorkerCounter.TASKS_PROCESSED.ordinal()].get(),
            c[WorkerCounter.TASKS_FAILED.ordinal()].get(),
            c[WorkerCounter.RETRIES.ordinal()].get(),
            c[WorkerCounter.TASKS_COMPLETED.ordinal()].get(),
            c[WorkerCounter.STEAL_ATTEMPTS.ordinal()].get(),
            c[WorkerCounter.STEAL_SUCCESSES.ordinal()].get(),
            c[WorkerCounter.TASKS_STOLEN.ordinal()].get(),
            c[WorkerCounter.TASKS_SHED.ordinal()].get(),
            c[WorkerCounter.SIBLING_CLAIMS.ordinal()].get(),
            c[WorkerCounter.BACKPRESSURE_WAITS.ordinal()].get(),
            c[WorkerCounter.BUSY_NS.ordinal()].get(),
            worker.stage.backlog(worker.index));
    }

    private long completedCount()
    {
        long sum = 0;
        for (final Stage stage : stages)
        {
            for (final Worker worker : stage.workers)
            {
                sum += worker.completed();
            }
        }

        return sum;
    }

    private long failedCount()
    {
        long sum = abandoned.get();
        for (final Stage stage : stages)
        {
            sum += stage.entryFailures.get();
            for (final Worker worker : stage.workers)
            {
                sum += worker.failed();
            }
        }

        return sum;
    }

    private boolean awaitQuiescence(final long timeoutNs)
    {
        final long startWaitNs = System.nanoTime();
        while (true)
        {
            // Ended tasks are read before the id counter: ended never exceeds submitted, so equality
            // means nothing was in flight at the moment the ended count was taken.
            final long ended = completedCount() + failedCount() + rejected.get();
            if (ended == submitted.get())
            {
                return true;
            }

            if (System.nanoTime() - startWaitNs >= timeoutNs)
            {
                return false;
            }

            if (Thread.currentThread().isInterrupted() || aborted || STOPPED == state)
            {
                return false;
            }

            LockSupport.parkNanos(100_000);
        }
    }

    private boolean awaitSubmittersOut(final long graceMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (true)
        {
            // Ended offers are read before started ones, as in awaitQuiescence.
            final long ended = offersEnded.sum();
            if (ended == submitted.get())
            {
                return true;
            }

            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }

            Thread.yield();
        }
    }

    private boolean stopThreads(final long graceMs)
    {
        for (final Stage stage : stages)
        {
            for (final Worker worker : stage.workers)
            {
                worker.stop();
            }
        }

        // A worker parked by its idle strategy sees the stop flag only when it wakes.
        for (final Thread thread : threads)
        {
            LockSupport.unpark(thread);
        }

        final boolean interrupted = Thread.interrupted();
        boolean allExited = true;
        try
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
            for (final Thread thread : threads)
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs > 0)
                {
                    joinQuietly(thread, leftMs);
                }
                allExited &= !thread.isAlive();
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }

        return allExited;
    }

    private void clearSkippedTickets()
    {
        // At quiescence a window can hold only tickets skipped by submitters that gave up, which
        // idle workers would have drained had they made one more pass.
        for (final Stage stage : stages)
        {
            if (null != stage.window)
            {
                stage.window.trySweep((record) -> abandon(record, stage, "was left in the reorder window of stage '" +
                    stage.name + "'"));
            }
        }
    }

    private static void joinQuietly(final Thread thread, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean interrupted = false;
        while (thread.isAlive())
        {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0)
            {
                break;
            }

            try
            {
                thread.join(leftMs);
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

    private void sweepAbandoned()
    {
        final TaskRecord scratch = new TaskRecord();
        for (final Stage stage : stages)
        {
            for (final TaskRing ring : stage.rings)
            {
                long sequence;
                while ((sequence = ring.claim()) >= 0)
                {
                    ring.take(sequence, scratch);
                    abandon(scratch, stage, "was queued in stage '" + stage.name + "'");
                    scratch.clear();
                }
            }

            if (null != stage.stealQueue)
            {
                final long giveUpNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                while (stage.stealQueue.surplus() > 0 && System.nanoTime() - giveUpNs < 0)
                {
                    if (stage.stealQueue.poll(scratch))
                    {
                        abandon(scratch, stage, "was in the steal queue of stage '" + stage.name + "'");
                        scratch.clear();
                    }
                }
            }

            if (null != stage.window)
            {
                stage.window.trySweep((record) -> abandon(
                    record, stage, "had finished stage '" + stage.name + "' and was waiting for earlier tasks"));
            }

            if (null != stage.stripes)
            {
                for (int stripe = 0; stripe < stage.stripes.count(); stripe++)
                {
                    if (stage.stripes.takeSuccessor(stripe, scratch))
                    {
                        abandon(scratch, stage,
                            "was waiting in stage '" + stage.name + "' for an earlier task of its key");
                        scratch.clear();
                    }
                }
            }
        }
    }

    /**
     * Collects every worker's latency intervals into cumulative histograms, and keeps the last
     * interval of service times for the weights.
     * Threading: callers synchronise on it.
     */
    private static final class Sampler
    {
        private final Stage[] stages;
        private final Histogram[] stageLatency;
        private final Histogram[] serviceTime;
        private final Histogram endToEnd = WorkerLatencies.newHistogram();
        private final Histogram[][] serviceIntervals;
        private final long[][] lastServiceNs;

        Sampler(final Stage[] stages)
        {
            this.stages = stages;
            stageLatency = new Histogram[stages.length];
            serviceTime = new Histogram[stages.length];
            serviceIntervals = new Histogram[stages.length][];
            lastServiceNs = new long[stages.length][];
            for (int i = 0; i < stages.length; i++)
            {
                final int workers = stages[i].workers();
                stageLatency[i] = WorkerLatencies.newHistogram();
                serviceTime[i] = WorkerLatencies.newHistogram();
                serviceIntervals[i] = new Histogram[workers];
                for (int w = 0; w < workers; w++)
                {
                    serviceIntervals[i][w] = WorkerLatencies.newHistogram();
                }
                lastServiceNs[i] = new long[workers];
            }
        }

        void sample()
        {
            for (int s = 0; s < stages.length; s++)
            {
                final Worker[] workers = stages[s].workers;
                for (int w = 0; w < workers.length; w++)
                {
                    workers[w].latencies.sample(stageLatency[s], serviceTime[s], endToEnd, serviceIntervals[s][w]);
                }
            }
        }

        void weigh(final Stage stage, final double percentile, final int[] schedule)
        {
            final int workers = stage.workers();
            final long[] service = new long[workers];
            final long[] backlog = new long[workers];
            final double[] weights = new double[workers];
            for (int w = 0; w < workers; w++)
            {
                final Histogram interval = serviceIntervals[stage.index][w];
                service[w] = 0 == interval.getTotalCount() ?
                    Weights.NO_SAMPLES : interval.getValueAtPercentile(percentile);
                backlog[w] = stage.backlog(w);
            }
            Weights.compute(service, lastServiceNs[stage.index], backlog, weights);
            Weights.fillSchedule(weights, schedule);
        }

        Histogram stageLatency(final int stage)
        {
            return stageLatency[stage];
        }

        Histogram serviceTime(final int stage)
        {
            return serviceTime[stage];
        }

        Histogram endToEnd()
        {
            return endToEnd;
        }
    }
}
