package io.brigade;

import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;
import io.brigade.metrics.WorkerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Properties of whole pipelines over random shapes: 1 to 4 stages of 1 to 4 workers, rings of 2
 * to 256 slots, every order mode, stealing on and off, 1 to 3 attempts, small reorder windows and
 * few key stripes, three cost profiles, and failures thrown deterministically from a seeded hash
 * of (task, stage), transient for some attempts, so the exact outcome of every task is known in
 * advance.
 * <p>
 * Checked for every example: each submitted task ends exactly once, in the completion or the error
 * handler, with the id its submit call returned; the failed tasks are exactly the expected ones,
 * in the expected stage after the expected attempts; each stage ran each task exactly as many
 * times as expected, never two runs of one task at once; the metrics add up (accepted equals
 * completed plus failed plus rejected, and per stage processed, failed and retries match); no two
 * tasks of one key run at once in a KEYED stage. Where the shape promises it: completions come in
 * submission order when every stage keeps the total order (ORDERED, or a single worker); a KEYED
 * stage runs each key's tasks in submission order when every stage before it keeps per-key order
 * (ORDERED, KEYED, or a single worker); completions of a key come in submission order when every
 * stage keeps per-key order.
 * <p>
 * One more property closes the pipeline with a 1 ms timeout while two threads are still
 * submitting: every id a submit call returned must still end exactly once (completed, failed as
 * expected, or abandoned with a {@link PipelineClosedException}), never more runs than expected,
 * and the accounting must balance. {@link PipelineCloseRaceTest} pins the same promise down on a
 * one-stage pipeline.
 * <p>
 * A failing example is printed by QuickTheories with its seed ("Seed was ..."; replay the same
 * examples with {@code -DQT_SEED=<seed>}), and every example carries its own workload seed. Hangs
 * are caught by a watchdog that dumps the pipeline's threads and metrics.
 */
class PipelinePropertiesTest
{
    private static final String PIPELINE_NAME = "props";
    private static final long RUN_TIMEOUT_MS = 20_000;
    private static final RuntimeException INJECTED = new InjectedFailure();

    /** Multiplies every property's example count for longer soaks: -Dbrigade.props.scale=10. */
    private static final int SCALE = Integer.getInteger("brigade.props.scale", 1);

    @Test
    @Timeout(400)
    void shouldEndEveryTaskExactlyOnceWhenShapeIsRandom()
    {
        qt()
            .withExamples(60 * SCALE)
            .withShrinkCycles(10)
            .forAll(stages(stage()), workload())
            .checkAssert(PipelinePropertiesTest::runAndCheck);
    }

    @Test
    @Timeout(400)
    void shouldCompleteInSubmissionOrderWhenEveryStageKeepsOrder()
    {
        final Gen<StageSpec> ordered = stage().map(
            (spec) -> spec.keepsTotalOrder() ? spec : spec.withOrder(StageOrder.ORDERED));

        qt()
            .withExamples(30 * SCALE)
            .withShrinkCycles(10)
            .forAll(stages(ordered), workload())
            .checkAssert(PipelinePropertiesTest::runAndCheck);
    }

    @Test
    @Timeout(400)
    void shouldRunEachKeyInEntryOrderWhenKeyedStagesFollowOrderedOnes()
    {
        final Gen<StageSpec> keyOrdered = stage().map(
            (spec) -> spec.keepsKeyOrder() ? spec : spec.withOrder(StageOrder.KEYED));
        final Gen<List<StageSpec>> withKeyed = stages(keyOrdered).map(
            (list) ->
            {
                final List<StageSpec> copy = new ArrayList<>(list);
                final int last = copy.size() - 1;
                if (copy.stream().noneMatch((spec) -> StageOrder.KEYED == spec.order()))
                {
                    copy.set(last, copy.get(last).withOrder(StageOrder.KEYED));
                }

                return copy;
            });

        qt()
            .withExamples(30 * SCALE)
            .withShrinkCycles(10)
            .forAll(withKeyed, workload())
            .checkAssert(PipelinePropertiesTest::runAndCheck);
    }

    @Test
    @Timeout(400)
    void shouldEndEveryAcceptedTaskOnceWhenCloseGivesUpWhileTwoThreadsSubmit()
    {
        // Examples are short (the close comes within 5 ms) and the race needs a submit caught
        // between its state check and its publish, so this property runs many of them.
        qt()
            .withExamples(250 * SCALE)
            .withShrinkCycles(10)
            .forAll(stages(stage()), workload(), integers().between(0, 5))
            .checkAssert(PipelinePropertiesTest::runCloseEarlyAndCheck);
    }

    private static Gen<StageSpec> stage()
    {
        final Gen<StageSpec> basics = integers().between(1, 4).zip(
            integers().between(1, 8),
            arbitrary().enumValues(StageOrder.class),
            booleans().all(),
            integers().between(1, 3),
            (workers, ringLog, order, stealing, attempts) -> new StageSpec(
                workers, 1 << ringLog, order, stealing, attempts, 1024, 1024, 10, 0.7));

        return basics.zip(
            arbitrary().pick(1, 2, 4, 16, 64, 1024),
            arbitrary().pick(1, 2, 1024),
            integers().between(1, 16),
            arbitrary().pick(0.1, 0.5, 0.7, 1.0),
            (spec, window, stripes, batch, threshold) -> new StageSpec(
                spec.workers(), spec.ringSize(), spec.order(), spec.stealing(), spec.maxAttempts(),
                window, stripes, batch, threshold));
    }

    private static Gen<List<StageSpec>> stages(final Gen<StageSpec> stage)
    {
        return lists().of(stage).ofSizeBetween(1, 4);
    }

    private static Gen<Workload> workload()
    {
        final Gen<Workload> shape = integers().between(200, 3000).zip(
            integers().between(1, 5),
            arbitrary().pick(0, 10, 100),
            arbitrary().enumValues(Cost.class),
            (tasks, keys, throwPerMille, cost) -> new Workload(
                tasks, keys, throwPerMille, cost, 0, true));

        return shape.zip(
            longs().all(),
            booleans().all(),
            (partial, seed, blocking) -> new Workload(
                partial.tasks(), partial.keys(), partial.throwPerMille(), partial.cost(), seed,
                blocking));
    }

    private static void runAndCheck(final List<StageSpec> stages, final Workload workload)
    {
        final Expected expected = Expected.of(stages, workload);
        final Run run = new Run(stages, workload);
        run.execute();
        run.check(expected);
    }

    private static void runCloseEarlyAndCheck(
        final List<StageSpec> stages,
        final Workload workload,
        final int closeAfterMs)
    {
        final Expected expected = Expected.of(stages, workload);
        final Run run = new Run(stages, workload);
        run.executeWithEarlyClose(closeAfterMs);
        run.checkAfterEarlyClose(expected);
    }

    enum Cost
    {
        /** The processor returns at once. */
        NONE,

        /** Busy for 0 to 10 microseconds. */
        SPIN,

        /** Busy for 0 to 10 microseconds, and one task in a hundred per stage parks 1 ms. */
        SLOW
    }

    /**
     * One stage's shape.
     */
    record StageSpec(
        int workers,
        int ringSize,
        StageOrder order,
        boolean stealing,
        int maxAttempts,
        int reorderWindow,
        int keyStripes,
        int stealBatch,
        double stealThreshold)
    {
        boolean keepsTotalOrder()
        {
            return StageOrder.ORDERED == order || 1 == workers;
        }

        boolean keepsKeyOrder()
        {
            return keepsTotalOrder() || StageOrder.KEYED == order;
        }

        StageSpec withOrder(final StageOrder newOrder)
        {
            return new StageSpec(workers, ringSize, newOrder, stealing, maxAttempts, reorderWindow,
                keyStripes, stealBatch, stealThreshold);
        }
    }

    /**
     * What is submitted: how many tasks, over how many keys, how often a stage throws (per
     * thousand task-stage pairs), how long a task takes, the seed of every per-task choice, and
     * whether submission blocks or retries {@code trySubmit}.
     */
    record Workload(int tasks, int keys, int throwPerMille, Cost cost, long seed, boolean blocking)
    {
        int keyOf(final int task)
        {
            return (int)Math.floorMod(mix(seed, task, -1), (long)keys);
        }

        /**
         * How many attempts of {@code task} throw in {@code stage}: zero for most pairs, else one
         * to three, so the task fails there only when that reaches the stage's attempt limit.
         */
        int failingAttempts(final int task, final int stage)
        {
            final long hash = mix(seed, task, stage);
            if (Math.floorMod(hash, 1000L) >= throwPerMille)
            {
                return 0;
            }

            return 1 + (int)Math.floorMod(hash >>> 20, 3L);
        }

        long spinNs(final int task, final int stage)
        {
            return Cost.NONE == cost ? 0 : Math.floorMod(mix(seed ^ 0x5EED, task, stage), 10_000L);
        }

        boolean slow(final int task, final int stage)
        {
            return Cost.SLOW == cost && 0 == Math.floorMod(mix(seed ^ 0x510E, task, stage), 100L);
        }
    }

    static long mix(final long seed, final long task, final long stage)
    {
        long z = seed + task * 0x9E3779B97F4A7C15L + stage * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;

        return z ^ (z >>> 31);
    }

    /**
     * The outcome of every task, computed from the workload's seed alone.
     */
    static final class Expected
    {
        final int[] failedStage;
        final int[][] attempts;
        final long[] processed;
        final long[] failed;
        final long[] retries;
        final List<Integer> completed = new ArrayList<>();

        private Expected(final int tasks, final int stageCount)
        {
            failedStage = new int[tasks];
            attempts = new int[tasks][stageCount];
            processed = new long[stageCount];
            failed = new long[stageCount];
            retries = new long[stageCount];
        }

        static Expected of(final List<StageSpec> stages, final Workload workload)
        {
            final Expected expected = new Expected(workload.tasks(), stages.size());
            for (int task = 0; task < workload.tasks(); task++)
            {
                expected.failedStage[task] = -1;
                for (int s = 0; s < stages.size(); s++)
                {
                    final int limit = stages.get(s).maxAttempts();
                    final int failing = workload.failingAttempts(task, s);
                    final int made = Math.min(failing + 1, limit);
                    expected.attempts[task][s] = made;
                    expected.retries[s] += made - 1;
                    if (failing >= limit)
                    {
                        expected.failedStage[task] = s;
                        expected.failed[s]++;
                        break;
                    }
                    expected.processed[s]++;
                }

                if (expected.failedStage[task] < 0)
                {
                    expected.completed.add(task);
                }
            }

            return expected;
        }
    }

    /**
     * A task: its submission index, key, and what the stages saw of it.
     */
    static final class Job
    {
        final int index;
        final int key;
        final AtomicIntegerArray attempts;
        final AtomicInteger running = new AtomicInteger();

        Job(final int index, final int key, final int stageCount)
        {
            this.index = index;
            this.key = key;
            this.attempts = new AtomicIntegerArray(stageCount);
        }

        @Override
        public String toString()
        {
            return "task#" + index;
        }
    }

    /**
     * One pipeline built from the shape, the tasks pushed through it, and what was observed.
     */
    static final class Run
    {
        private final List<StageSpec> stages;
        private final Workload workload;
        private final Job[] jobs;
        private final long[] idOf;
        private final long[] submitDoneNs;
        private volatile long closeDoneNs;
        private final AtomicIntegerArray endings;
        private final AtomicLongArray endedId;
        private final AtomicIntegerArray failedStage;
        private final AtomicIntegerArray failedAttempts;
        private final AtomicIntegerArray abandoned;
        private final ConcurrentLinkedQueue<Integer> completions = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        private final AtomicIntegerArray[] runningByKey;
        private final List<List<ConcurrentLinkedQueue<Integer>>> keyedEntries = new ArrayList<>();
        private volatile String hang;
        private Pipeline<Job> pipeline;
        private PipelineMetrics metrics;
        private boolean closedCleanly;

        Run(final List<StageSpec> stages, final Workload workload)
        {
            this.stages = stages;
            this.workload = workload;
            final int tasks = workload.tasks();
            jobs = new Job[tasks];
            for (int i = 0; i < tasks; i++)
            {
                jobs[i] = new Job(i, workload.keyOf(i), stages.size());
            }
            idOf = new long[tasks];
            submitDoneNs = new long[tasks];
            endings = new AtomicIntegerArray(tasks);
            endedId = new AtomicLongArray(tasks);
            failedStage = new AtomicIntegerArray(tasks);
            failedAttempts = new AtomicIntegerArray(tasks);
            abandoned = new AtomicIntegerArray(tasks);
            runningByKey = new AtomicIntegerArray[stages.size()];
            for (int s = 0; s < stages.size(); s++)
            {
                runningByKey[s] = new AtomicIntegerArray(workload.keys());
                final List<ConcurrentLinkedQueue<Integer>> perKey = new ArrayList<>();
                for (int k = 0; k < workload.keys(); k++)
                {
                    perKey.add(new ConcurrentLinkedQueue<>());
                }
                keyedEntries.add(perKey);
            }
        }

        void execute()
        {
            pipeline = build();
            pipeline.start();
            final Thread watchdog = startWatchdog();
            try
            {
                submitAll();
                closedCleanly = pipeline.close(RUN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            finally
            {
                watchdog.interrupt();
                pipeline.close(1, TimeUnit.SECONDS);
            }
            metrics = pipeline.metrics();
        }

        /**
         * Two threads submit alternate tasks while this one waits {@code closeAfterMs} and then
         * closes with a 1 ms timeout, which usually gives up and abandons what is left.
         */
        void executeWithEarlyClose(final int closeAfterMs)
        {
            Arrays.fill(idOf, -1);
            pipeline = build();
            pipeline.start();
            final Thread watchdog = startWatchdog();
            final List<Thread> submitters = new ArrayList<>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    final int first = i;
                    final Thread submitter = new Thread(
                        () -> submitFrom(first, 2), PIPELINE_NAME + "-submitter-" + i);
                    submitters.add(submitter);
                    submitter.start();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(closeAfterMs));
                closedCleanly = pipeline.close(1, TimeUnit.MILLISECONDS);
                closeDoneNs = System.nanoTime();
                for (final Thread submitter : submitters)
                {
                    submitter.join(RUN_TIMEOUT_MS);
                    if (submitter.isAlive())
                    {
                        violation(submitter.getName() + " still blocked after close");
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
            finally
            {
                watchdog.interrupt();
                pipeline.close(1, TimeUnit.SECONDS);
            }
            metrics = pipeline.metrics();
        }

        private void submitFrom(final int first, final int step)
        {
            for (int i = first; i < jobs.length; i += step)
            {
                final Job job = jobs[i];
                long id;
                do
                {
                    id = workload.blocking() ? pipeline.submit(job) : pipeline.trySubmit(job);
                }
                while (Pipeline.BACK_PRESSURED == id);

                if (Pipeline.CLOSED == id)
                {
                    return;
                }
                idOf[i] = id;
                submitDoneNs[i] = System.nanoTime();
            }
        }

        private Pipeline<Job> build()
        {
            final PipelineBuilder<Job> builder = Pipeline.builder(PIPELINE_NAME);
            for (int s = 0; s < stages.size(); s++)
            {
                final StageSpec spec = stages.get(s);
                final int stage = s;
                final StageBuilder<Job> stageBuilder = builder
                    .stage(stageName(s), (Job job) -> process(job, stage))
                    .workers(spec.workers())
                    .ringSize(spec.ringSize())
                    .order(spec.order())
                    .maxAttempts(spec.maxAttempts())
                    .stealing(spec.stealing())
                    .stealBatch(spec.stealBatch())
                    .stealThreshold(spec.stealThreshold());
                if (StageOrder.ORDERED == spec.order())
                {
                    stageBuilder.reorderWindow(spec.reorderWindow());
                }
                if (StageOrder.KEYED == spec.order())
                {
                    stageBuilder.key((job) -> job.key).keyStripes(spec.keyStripes());
                }
            }

            return builder
                .onComplete(this::onComplete)
                .onError((job, id, stageName, worker, cause, attempts) ->
                    onError(job, id, stageName, cause, attempts))
                .build();
        }

        private void submitAll()
        {
            for (final Job job : jobs)
            {
                long id;
                if (workload.blocking())
                {
                    id = pipeline.submit(job);
                }
                else
                {
                    while (Pipeline.BACK_PRESSURED == (id = pipeline.trySubmit(job)))
                    {
                        LockSupport.parkNanos(10_000);
                    }
                }

                if (id < 0)
                {
                    throw new AssertionError("submit of " + job + " returned " + id +
                        (null == hang ? "" : "\n" + hang));
                }
                idOf[job.index] = id;
            }
        }

        private void process(final Job job, final int stage) throws Exception
        {
            final int attempt = job.attempts.incrementAndGet(stage);
            if (1 != job.running.incrementAndGet())
            {
                violation(job + " run twice at once, in stage " + stage);
            }

            final boolean keyed = StageOrder.KEYED == stages.get(stage).order();
            try
            {
                if (keyed)
                {
                    if (1 != runningByKey[stage].incrementAndGet(job.key))
                    {
                        violation("stage " + stage + ": two tasks of key " + job.key +
                            " at once, one is " + job);
                    }
                    if (1 == attempt)
                    {
                        keyedEntries.get(stage).get(job.key).add(job.index);
                    }
                }

                work(job.index, stage);
                if (attempt <= workload.failingAttempts(job.index, stage))
                {
                    throw INJECTED;
                }
            }
            finally
            {
                if (keyed)
                {
                    runningByKey[stage].decrementAndGet(job.key);
                }
                job.running.decrementAndGet();
            }
        }

        private void work(final int task, final int stage)
        {
            final long spinNs = workload.spinNs(task, stage);
            if (spinNs > 0)
            {
                final long untilNs = System.nanoTime() + spinNs;
                while (System.nanoTime() - untilNs < 0)
                {
                    Thread.onSpinWait();
                }
            }

            if (workload.slow(task, stage))
            {
                LockSupport.parkNanos(1_000_000);
            }
        }

        private void onComplete(final Job job, final long id)
        {
            endings.incrementAndGet(job.index);
            endedId.set(job.index, id);
            completions.add(job.index);
        }

        private void onError(
            final Job job,
            final long id,
            final String stageName,
            final Throwable cause,
            final int attempts)
        {
            endings.incrementAndGet(job.index);
            endedId.set(job.index, id);
            failedStage.set(job.index, 1 + Integer.parseInt(stageName.substring(1)));
            failedAttempts.set(job.index, attempts);
            if (cause instanceof PipelineClosedException)
            {
                abandoned.set(job.index, 1);
            }
            else if (INJECTED != cause)
            {
                violation(job + " failed in " + stageName + " with " + cause);
            }
        }

        private void violation(final String what)
        {
            if (violations.size() < 20)
            {
                violations.add(what);
            }
        }

        private Thread startWatchdog()
        {
            final Thread watchdog = new Thread(
                () ->
                {
                    try
                    {
                        Thread.sleep(RUN_TIMEOUT_MS);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    hang = "no progress after " + RUN_TIMEOUT_MS + " ms\n" + pipeline.metrics() +
                        "\n" + threadDump();
                    pipeline.close(100, TimeUnit.MILLISECONDS);
                },
                "props-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();

            return watchdog;
        }

        void check(final Expected expected)
        {
            final String context = "\n" + describe();
            assertThat(hang).as("hang" + context).isNull();
            assertThat(closedCleanly).as("close drained every task in time" + context).isTrue();
            assertThat(violations).as("violations" + context).isEmpty();
            assertThat(pipeline.engineErrors()).as("engine errors" + context).isZero();

            final int tasks = workload.tasks();
            for (int i = 0; i < tasks; i++)
            {
                if (i > 0 && idOf[i] <= idOf[i - 1])
                {
                    throw new AssertionError("ids not increasing at " + i + context);
                }
                assertThat(endings.get(i)).as("endings of task %d%s", i, context).isEqualTo(1);
                assertThat(endedId.get(i)).as("id of task %d%s", i, context).isEqualTo(idOf[i]);
                assertThat(failedStage.get(i) - 1)
                    .as("failing stage of task %d%s", i, context)
                    .isEqualTo(expected.failedStage[i]);
                if (expected.failedStage[i] >= 0)
                {
                    assertThat(failedAttempts.get(i))
                        .as("attempts reported for task %d%s", i, context)
                        .isEqualTo(stages.get(expected.failedStage[i]).maxAttempts());
                }
                for (int s = 0; s < stages.size(); s++)
                {
                    final int reached = s <= lastStageReached(expected, i) ? 1 : 0;
                    assertThat(jobs[i].attempts.get(s))
                        .as("runs of task %d in stage %d%s", i, s, context)
                        .isEqualTo(reached * expected.attempts[i][s]);
                }
            }

            checkMetrics(expected, context);
            checkOrder(expected, context);
        }

        void checkAfterEarlyClose(final Expected expected)
        {
            final String context = "\n" + describe();
            assertThat(hang).as("hang" + context).isNull();
            assertThat(violations).as("violations" + context).isEmpty();
            assertThat(pipeline.engineErrors()).as("engine errors" + context).isZero();

            long submitted = 0;
            for (int i = 0; i < workload.tasks(); i++)
            {
                if (idOf[i] < 0)
                {
                    assertThat(endings.get(i)).as("endings of unsubmitted task %d%s", i, context)
                        .isZero();
                    continue;
                }

                submitted++;
                assertThat(endings.get(i))
                    .as("endings of task %d (id %d, closed cleanly %b, its submit returned %d us " +
                        "after close returned)%s", i, idOf[i], closedCleanly,
                        (submitDoneNs[i] - closeDoneNs) / 1000, context)
                    .isEqualTo(1);
                assertThat(endedId.get(i)).as("id of task %d%s", i, context).isEqualTo(idOf[i]);
                final boolean failedHere = 0 != failedStage.get(i);
                if (failedHere && 0 == abandoned.get(i))
                {
                    assertThat(failedStage.get(i) - 1).as("failing stage of task %d%s", i, context)
                        .isEqualTo(expected.failedStage[i]);
                }
                else if (!failedHere)
                {
                    assertThat(expected.failedStage[i]).as("task %d completed%s", i, context)
                        .isEqualTo(-1);
                }
                for (int s = 0; s < stages.size(); s++)
                {
                    assertThat(jobs[i].attempts.get(s))
                        .as("runs of task %d in stage %d%s", i, s, context)
                        .isLessThanOrEqualTo(expected.attempts[i][s]);
                }
            }

            assertThat(metrics.inFlight()).as("in flight" + context).isZero();
            assertThat(metrics.submitted() - metrics.rejected()).as("accepted" + context)
                .isEqualTo(submitted);
            assertThat(metrics.completed()).as("completed" + context)
                .isEqualTo(completions.size());
            assertThat(metrics.completed() + metrics.failed()).as("ended" + context)
                .isEqualTo(submitted);
            if (closedCleanly)
            {
                for (int i = 0; i < workload.tasks(); i++)
                {
                    assertThat(abandoned.get(i))
                        .as("task %d abandoned by a clean close%s", i, context).isZero();
                }
            }
        }

        private int lastStageReached(final Expected expected, final int task)
        {
            return expected.failedStage[task] >= 0 ? expected.failedStage[task] : stages.size() - 1;
        }

        private void checkMetrics(final Expected expected, final String context)
        {
            final long rejected = metrics.rejected();
            assertThat(metrics.inFlight()).as("in flight" + context).isZero();
            assertThat(metrics.submitted() - rejected).as("accepted" + context)
                .isEqualTo(workload.tasks());
            assertThat(metrics.completed()).as("completed" + context)
                .isEqualTo(expected.completed.size());
            assertThat(metrics.failed()).as("failed" + context)
                .isEqualTo(workload.tasks() - expected.completed.size());
            assertThat(metrics.submitted())
                .as("accepted == completed + failed + rejected" + context)
                .isEqualTo(metrics.completed() + metrics.failed() + rejected);
            if (workload.blocking())
            {
                assertThat(rejected).as("rejected with blocking submit" + context).isZero();
            }

            for (int s = 0; s < stages.size(); s++)
            {
                final StageMetrics stage = metrics.stage(stageName(s));
                final long retries =
                    stage.workers().stream().mapToLong(WorkerMetrics::retries).sum();
                assertThat(stage.processed()).as("processed in stage %d%s", s, context)
                    .isEqualTo(expected.processed[s]);
                assertThat(stage.failed()).as("failed in stage %d%s", s, context)
                    .isEqualTo(expected.failed[s]);
                assertThat(retries).as("retries in stage %d%s", s, context)
                    .isEqualTo(expected.retries[s]);
                assertThat(stage.stealSurplus()).as("surplus in stage %d%s", s, context).isZero();
            }
        }

        private void checkOrder(final Expected expected, final String context)
        {
            if (stages.stream().allMatch(StageSpec::keepsTotalOrder))
            {
                assertThat(new ArrayList<>(completions))
                    .as("completion order when every stage keeps order" + context)
                    .containsExactlyElementsOf(expected.completed);
            }

            for (int s = 0; s < stages.size(); s++)
            {
                if (StageOrder.KEYED != stages.get(s).order() ||
                    !stages.subList(0, s).stream().allMatch(StageSpec::keepsKeyOrder))
                {
                    continue;
                }

                for (int k = 0; k < workload.keys(); k++)
                {
                    final List<Integer> reached = new ArrayList<>();
                    for (int i = 0; i < workload.tasks(); i++)
                    {
                        if (jobs[i].key == k && s <= lastStageReached(expected, i))
                        {
                            reached.add(i);
                        }
                    }
                    assertThat(new ArrayList<>(keyedEntries.get(s).get(k)))
                        .as("stage %d key %d run order%s", s, k, context)
                        .containsExactlyElementsOf(reached);
                }
            }

            if (stages.stream().allMatch(StageSpec::keepsKeyOrder))
            {
                final List<List<Integer>> perKey = new ArrayList<>();
                for (int k = 0; k < workload.keys(); k++)
                {
                    perKey.add(new ArrayList<>());
                }
                for (final int task : completions)
                {
                    perKey.get(jobs[task].key).add(task);
                }
                for (int k = 0; k < workload.keys(); k++)
                {
                    final List<Integer> wanted = new ArrayList<>();
                    for (final int task : expected.completed)
                    {
                        if (jobs[task].key == k)
                        {
                            wanted.add(task);
                        }
                    }
                    assertThat(perKey.get(k)).as("completion order of key %d%s", k, context)
                        .containsExactlyElementsOf(wanted);
                }
            }
        }

        private String describe()
        {
            return "stages=" + stages + "\nworkload=" + workload + "\nmetrics=" + metrics;
        }

        private static String threadDump()
        {
            final StringBuilder dump = new StringBuilder();
            for (final Map.Entry<Thread, StackTraceElement[]> entry :
                Thread.getAllStackTraces().entrySet())
            {
                final Thread thread = entry.getKey();
                if (!thread.getName().startsWith(PIPELINE_NAME + "-s"))
                {
                    continue;
                }
                dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (final StackTraceElement frame : entry.getValue())
                {
                    dump.append("    at ").append(frame).append('\n');
                }
            }

            return dump.toString();
        }
    }

    private static String stageName(final int stage)
    {
        return "s" + stage;
    }

    /**
     * The injected failure: one shared instance without a stack trace, so that throwing it costs
     * nothing and the error handler can tell it from anything else.
     */
    static final class InjectedFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        InjectedFailure()
        {
            super("injected", null, false, false);
        }
    }
}
