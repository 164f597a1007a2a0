package io.brigade.examples.skew;

import io.brigade.Pipeline;
import io.brigade.Processor;
import io.brigade.StageOrder;
import io.brigade.balance.Balance;
import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;
import io.brigade.metrics.WorkerMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link SkewPlan} through a one-stage pipeline, with stealing off or on, and measures it.
 * <p>
 * The stage is UNORDERED, dispatches round-robin and has one processor per worker, which counts
 * the work units its worker ran. All tasks are submitted at once from the calling thread. With
 * {@link #autoRingSize(SkewPlan)} every worker's ring holds its whole round-robin share, so no
 * submit ever finds a ring full: a full ring would make dispatch divert the task to the next
 * worker with room, a load balancing of its own that would blur what static assignment is.
 * <p>
 * Threading: {@link #run} blocks the calling thread until the pipeline has drained and closed.
 */
public final class SkewRunner
{
    /** Name of the pipeline's only stage. */
    public static final String STAGE = "spin";

    private static final long CLOSE_GRACE_NS = TimeUnit.SECONDS.toNanos(60);

    private SkewRunner()
    {
    }

    /**
     * The smallest ring that holds a worker's whole round-robin share of the plan.
     *
     * @param plan the workload.
     * @return a power of two, at least 2.
     */
    public static int autoRingSize(final SkewPlan plan)
    {
        final int share = (plan.tasks() + plan.workers() - 1) / plan.workers();
        final int size = Integer.highestOneBit(Math.max(2, share));

        return size < share ? size << 1 : size;
    }

    /**
     * Builds a pipeline, submits every task of the plan, waits for all of them and measures.
     *
     * @param plan     the workload; its worker count sizes the stage.
     * @param stealing whether the stage steals.
     * @param ringSize slots in each worker's ring, a power of two.
     * @return the measurements.
     * @throws IllegalStateException when a submit is refused or the pipeline does not drain and
     *                               close in time.
     */
    public static SkewResult run(final SkewPlan plan, final boolean stealing, final int ringSize)
    {
        final int workers = plan.workers();
        final UnitCounter[] counters = new UnitCounter[workers];
        final AtomicLong lastCompletionNs = new AtomicLong(Long.MIN_VALUE);
        final String name = stealing ? "skew-on" : "skew-off";
        final Pipeline<SkewTask> pipeline = Pipeline.<SkewTask>builder(name)
            .stagePerWorker(STAGE, (w) -> newCounter(counters, w))
            .workers(workers)
            .ringSize(ringSize)
            .order(StageOrder.UNORDERED)
            .balance(Balance.ROUND_ROBIN)
            .stealing(stealing)
            .and()
            .onComplete((task, id) -> lastCompletionNs.accumulateAndGet(
                System.nanoTime(), Math::max))
            .build();
        final SkewTask[] tasks = plan.newTasks();

        pipeline.start();
        final long startNs = System.nanoTime();
        for (final SkewTask task : tasks)
        {
            if (pipeline.submit(task) < 0)
            {
                pipeline.close();
                throw new IllegalStateException("skew: pipeline refused task " + task.index());
            }
        }

        final long submittedNs = System.nanoTime();

        // Generous: only a stuck pipeline takes this long, and then the run should fail, not hang.
        final long drainLimitNs = CLOSE_GRACE_NS + 20 * (long)plan.unitsToNs(plan.totalUnits());
        if (!pipeline.close(drainLimitNs, TimeUnit.NANOSECONDS))
        {
            throw new IllegalStateException("skew: pipeline '" + name +
                "' did not drain and close within " + TimeUnit.NANOSECONDS.toMillis(drainLimitNs) +
                " ms");
        }

        final PipelineMetrics metrics = pipeline.metrics();
        final long makespanNs = Math.max(0, lastCompletionNs.get() - startNs);

        return result(
            stealing, ringSize, metrics, counters, makespanNs, submittedNs - startNs, pipeline);
    }

    /**
     * Checks a run's accounting against its plan: every task completed and none failed, no engine
     * fault, every planned work unit run exactly once, and, with stealing off and rings that hold
     * a worker's whole share, each worker ran exactly its round-robin share.
     *
     * @param plan   the workload the run replayed.
     * @param result the run.
     * @return what does not add up, empty when everything does.
     */
    public static List<String> accountingProblems(final SkewPlan plan, final SkewResult result)
    {
        final List<String> problems = new ArrayList<>();
        final String where = "stealing " + result.mode() + ": ";
        if (result.completed() != plan.tasks())
        {
            problems.add(
                where + "completed " + result.completed() + " of " + plan.tasks() + " tasks");
        }

        if (0 != result.failed() || 0 != result.engineErrors())
        {
            problems.add(where + result.failed() + " tasks failed, " + result.engineErrors() +
                " engine errors");
        }

        final long processed = result.workers().stream()
            .mapToLong(SkewResult.WorkerResult::processed)
            .sum();
        if (processed != plan.tasks())
        {
            problems.add(
                where + "workers processed " + processed + " tasks, planned " + plan.tasks());
        }

        if (result.totalUnitsDone() != plan.totalUnits())
        {
            problems.add(where + "workers ran " + result.totalUnitsDone() +
                " work units, planned " + plan.totalUnits());
        }

        if (!result.stealing() && result.ringSize() >= autoRingSize(plan))
        {
            final long[] planned = plan.roundRobinUnits();
            for (final SkewResult.WorkerResult worker : result.workers())
            {
                if (worker.unitsDone() != planned[worker.worker()] || 0 != worker.tasksStolen())
                {
                    problems.add(where + "worker " + worker.worker() + " ran " +
                        worker.unitsDone() + " units and stole " + worker.tasksStolen() +
                        " tasks; round-robin plans " + planned[worker.worker()] +
                        " units and no steals");
                }
            }
        }

        return problems;
    }

    private static Processor<SkewTask> newCounter(final UnitCounter[] counters, final int worker)
    {
        final UnitCounter counter = new UnitCounter();
        counters[worker] = counter;

        return counter;
    }

    private static SkewResult result(
        final boolean stealing,
        final int ringSize,
        final PipelineMetrics metrics,
        final UnitCounter[] counters,
        final long makespanNs,
        final long submitNs,
        final Pipeline<SkewTask> pipeline)
    {
        final StageMetrics stage = metrics.stage(STAGE);
        final List<SkewResult.WorkerResult> workers = new ArrayList<>(stage.workers().size());
        for (final WorkerMetrics worker : stage.workers())
        {
            workers.add(new SkewResult.WorkerResult(
                worker.worker(),
                worker.processed(),
                worker.busyNs(),
                Math.max(0, makespanNs - worker.busyNs()),
                counters[worker.worker()].units,
                counters[worker.worker()].workNs,
                worker.tasksStolen(),
                worker.tasksShed(),
                worker.siblingClaims(),
                worker.stealAttempts(),
                worker.stealSuccesses()));
        }

        return new SkewResult(
            stealing,
            ringSize,
            makespanNs,
            submitNs,
            metrics.completed(),
            metrics.failed(),
            pipeline.engineErrors(),
            stage.stealAttempts(),
            stage.stealSuccesses(),
            stage.tasksStolen(),
            stage.tasksShed(),
            List.copyOf(workers));
    }

    /**
     * A worker's processor: runs the task's work, counts the units and times the work itself, as
     * a check on the engine's busy time. Written only by its worker's thread, also for stolen
     * tasks, and read after the pipeline has closed and joined its threads.
     */
    private static final class UnitCounter implements Processor<SkewTask>
    {
        private long units;
        private long workNs;

        public void process(final SkewTask task)
        {
            final long startNs = System.nanoTime();
            task.run();
            workNs += System.nanoTime() - startNs;
            units += task.units();
        }
    }
}
