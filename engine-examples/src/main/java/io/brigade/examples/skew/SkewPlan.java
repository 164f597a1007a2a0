package io.brigade.examples.skew;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The workload of one skew experiment: how many tasks, which of them are costly, and how much
 * work each carries. Built once and replayed unchanged for every run, stealing off and on, so
 * every run does exactly the same work.
 * <p>
 * Costly tasks are drawn by a seeded {@link SplittableRandom}, without replacement, from the
 * positions the {@link Pattern} allows. Under the round-robin dispatch of a single submitter,
 * task {@code i} goes to worker {@code i % workers}; {@link #roundRobinUnits()} gives what that
 * static assignment puts on each worker.
 * <p>
 * Threading: immutable once built.
 */
public final class SkewPlan
{
    /**
     * Where costly tasks may fall in the submission order.
     */
    public enum Pattern
    {
        /**
         * Only at positions {@code 0, W, 2W, ...} for W workers, which round-robin sends to
         * worker 0. This is what a producer with a period that is a multiple of the worker count
         * does to round-robin (for example, batches of W records whose first record is the costly
         * one): the rotation lines up with the period, and one worker gets every costly task.
         * Needs the costly share to be at most {@code 1 / W}.
         */
        ALIGNED,

        /**
         * Anywhere. Round-robin then spreads costly tasks evenly up to chance, and there is little
         * skew for stealing to fix: the control case.
         */
        UNIFORM;

        /**
         * Reads a pattern name, in any case.
         *
         * @param name {@code aligned} or {@code uniform}.
         * @return the pattern.
         * @throws IllegalArgumentException for any other name.
         */
        public static Pattern parse(final String name)
        {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }

        /**
         * The name as the command line spells it.
         *
         * @return the lower-case name.
         */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int tasks;
    private final int workers;
    private final double cheapUs;
    private final double ratio;
    private final double costlyPercent;
    private final Pattern pattern;
    private final long seed;
    private final double unitsPerUs;
    private final long cheapUnits;
    private final long costlyUnits;
    private final boolean[] costly;
    private final int costlyCount;

    private SkewPlan(
        final int tasks,
        final int workers,
        final double cheapUs,
        final double ratio,
        final double costlyPercent,
        final Pattern pattern,
        final long seed,
        final double unitsPerUs)
    {
        this.tasks = tasks;
        this.workers = workers;
        this.cheapUs = cheapUs;
        this.ratio = ratio;
        this.costlyPercent = costlyPercent;
        this.pattern = pattern;
        this.seed = seed;
        this.unitsPerUs = unitsPerUs;
        this.cheapUnits = Math.max(1, Math.round(cheapUs * unitsPerUs));
        this.costlyUnits = Math.max(1, Math.round(cheapUs * ratio * unitsPerUs));
        this.costlyCount = (int)Math.round(tasks * costlyPercent / 100.0);
        this.costly = drawCostly(tasks, workers, costlyCount, pattern, seed);
    }

    /**
     * Builds a plan.
     *
     * @param tasks         how many tasks, at least 1.
     * @param workers       how many workers the stage has, at least 1.
     * @param cheapUs       nominal cost of a cheap task, in microseconds, above 0.
     * @param ratio         cost of a costly task over a cheap one, at least 1.
     * @param costlyPercent share of tasks that are costly, in percent, in [0, 100].
     * @param pattern       where costly tasks may fall.
     * @param seed          seeds the draw of costly tasks.
     * @param unitsPerUs    work units per microsecond on this machine, from
     *                      {@link SpinWork#calibrate()}.
     * @return the plan.
     * @throws IllegalArgumentException naming the first value out of range.
     */
    public static SkewPlan create(
        final int tasks,
        final int workers,
        final double cheapUs,
        final double ratio,
        final double costlyPercent,
        final Pattern pattern,
        final long seed,
        final double unitsPerUs)
    {
        require(tasks >= 1, "tasks must be >= 1, was " + tasks);
        require(workers >= 1, "workers must be >= 1, was " + workers);
        require(cheapUs > 0, "cheap task cost must be > 0 us, was " + cheapUs);
        require(ratio >= 1, "cost ratio must be >= 1, was " + ratio);
        require(costlyPercent >= 0 && costlyPercent <= 100,
            "costly share must be in [0, 100] percent, was " + costlyPercent);
        require(null != pattern, "pattern must not be null");
        require(unitsPerUs > 0, "units per microsecond must be > 0, was " + unitsPerUs);

        final long costlyCount = Math.round(tasks * costlyPercent / 100.0);
        final long aligned = alignedPositions(tasks, workers);
        require(Pattern.ALIGNED != pattern || costlyCount <= aligned,
            "pattern aligned puts costly tasks only on worker 0's " + aligned +
            " positions, too few for " + costlyCount + " costly tasks: lower the costly share" +
            " to at most 1/workers, or use pattern uniform");

        return new SkewPlan(
            tasks, workers, cheapUs, ratio, costlyPercent, pattern, seed, unitsPerUs);
    }

    private static long alignedPositions(final int tasks, final int workers)
    {
        return (tasks + workers - 1L) / workers;
    }

    private static boolean[] drawCostly(
        final int tasks,
        final int workers,
        final int count,
        final Pattern pattern,
        final long seed)
    {
        final int step = Pattern.ALIGNED == pattern ? workers : 1;
        final int[] candidates = new int[(int)alignedPositions(tasks, step)];
        for (int i = 0; i < candidates.length; i++)
        {
            candidates[i] = i * step;
        }

        // A partial Fisher-Yates shuffle: the first count candidates end up a uniform sample.
        final SplittableRandom random = new SplittableRandom(seed);
        final boolean[] costly = new boolean[tasks];
        for (int i = 0; i < count; i++)
        {
            final int pick = i + random.nextInt(candidates.length - i);
            final int chosen = candidates[pick];
            candidates[pick] = candidates[i];
            candidates[i] = chosen;
            costly[chosen] = true;
        }

        return costly;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Makes fresh task objects in submission order, one per planned task.
     *
     * @return the tasks.
     */
    public SkewTask[] newTasks()
    {
        final SkewTask[] result = new SkewTask[tasks];
        for (int i = 0; i < tasks; i++)
        {
            result[i] = new SkewTask(i, units(i));
        }

        return result;
    }

    /**
     * Work units of one task.
     *
     * @param task position in submission order.
     * @return the units.
     */
    public long units(final int task)
    {
        return costly[task] ? costlyUnits : cheapUnits;
    }

    /**
     * Whether a task is costly.
     *
     * @param task position in submission order.
     * @return true when it carries {@link #costlyUnits()}.
     */
    public boolean isCostly(final int task)
    {
        return costly[task];
    }

    /**
     * Work units of all tasks together.
     *
     * @return the sum.
     */
    public long totalUnits()
    {
        return costlyCount * costlyUnits + (long)(tasks - costlyCount) * cheapUnits;
    }

    /**
     * Work units each worker gets when task {@code i} goes to worker {@code i % workers}, as it
     * does under round-robin dispatch from one submitter while no ring is full.
     *
     * @return units by worker index.
     */
    public long[] roundRobinUnits()
    {
        final long[] perWorker = new long[workers];
        for (int i = 0; i < tasks; i++)
        {
            perWorker[i % workers] += units(i);
        }

        return perWorker;
    }

    /**
     * Costly tasks each worker gets under round-robin dispatch.
     *
     * @return counts by worker index.
     */
    public int[] roundRobinCostly()
    {
        final int[] perWorker = new int[workers];
        for (int i = 0; i < tasks; i++)
        {
            if (costly[i])
            {
                perWorker[i % workers]++;
            }
        }

        return perWorker;
    }

    /**
     * Converts work units to the nanoseconds they take at the calibrated speed.
     *
     * @param units work units.
     * @return nominal nanoseconds.
     */
    public double unitsToNs(final long units)
    {
        return units * 1_000.0 / unitsPerUs;
    }

    /**
     * Nominal total work divided by the worker count: the shortest makespan any assignment could
     * reach with no overhead.
     *
     * @return nanoseconds.
     */
    public double idealMakespanNs()
    {
        return unitsToNs(totalUnits()) / workers;
    }

    /**
     * Nominal time of the busiest worker under round-robin: the makespan static assignment is
     * bound to.
     *
     * @return nanoseconds.
     */
    public double roundRobinMakespanNs()
    {
        return unitsToNs(Arrays.stream(roundRobinUnits()).max().orElse(0));
    }

    /**
     * Number of tasks.
     *
     * @return the count.
     */
    public int tasks()
    {
        return tasks;
    }

    /**
     * Number of workers the plan is laid out for.
     *
     * @return the count.
     */
    public int workers()
    {
        return workers;
    }

    /**
     * Nominal cost of a cheap task.
     *
     * @return microseconds.
     */
    public double cheapUs()
    {
        return cheapUs;
    }

    /**
     * Cost of a costly task over a cheap one.
     *
     * @return the ratio.
     */
    public double ratio()
    {
        return ratio;
    }

    /**
     * Requested share of costly tasks.
     *
     * @return percent.
     */
    public double costlyPercent()
    {
        return costlyPercent;
    }

    /**
     * Where costly tasks may fall.
     *
     * @return the pattern.
     */
    public Pattern pattern()
    {
        return pattern;
    }

    /**
     * Seed of the draw of costly tasks.
     *
     * @return the seed.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * Calibrated speed the plan was built for.
     *
     * @return work units per microsecond.
     */
    public double unitsPerUs()
    {
        return unitsPerUs;
    }

    /**
     * Work units of a cheap task.
     *
     * @return the units.
     */
    public long cheapUnits()
    {
        return cheapUnits;
    }

    /**
     * Work units of a costly task.
     *
     * @return the units.
     */
    public long costlyUnits()
    {
        return costlyUnits;
    }

    /**
     * Number of costly tasks actually drawn: the share times the task count, rounded.
     *
     * @return the count.
     */
    public int costlyCount()
    {
        return costlyCount;
    }
}
