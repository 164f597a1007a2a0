package io.brigade.examples.skew;

import io.brigade.examples.JsonWriter;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Prints the skew experiment: its set-up, one line per run, both modes side by side, and the same
 * as JSON. Every field is described in {@code engine-examples/SKEW.md}.
 * <p>
 * Threading: single-threaded.
 */
public final class SkewReport
{
    private static final double NS_PER_MS = 1e6;
    private static final MathContext SIGNIFICANT = new MathContext(6);
    private static final String MORE = "              ";
    private static final String TABLE_FORMAT = "  %-38s%15s%15s%9s";
    private static final String RUN_FORMAT =
        "  %4s  %-4s%12s %8s %9s %9s %9s %7s %8s %7s %9s%n";

    private final SkewPlan plan;
    private final int ringSize;
    private final int repeats;
    private final int warmup;

    /**
     * Creates a report for one experiment.
     *
     * @param plan     the workload every run replays.
     * @param ringSize slots in each worker's ring.
     * @param repeats  off/on pairs measured.
     * @param warmup   off/on pairs run first and not reported.
     */
    public SkewReport(final SkewPlan plan, final int ringSize, final int repeats, final int warmup)
    {
        this.plan = plan;
        this.ringSize = ringSize;
        this.repeats = repeats;
        this.warmup = warmup;
    }

    /**
     * The run of median makespan: the lower middle one for an even count.
     *
     * @param runs runs of one mode, at least one.
     * @return the median run.
     */
    public static SkewResult median(final List<SkewResult> runs)
    {
        final List<SkewResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(SkewResult::makespanNs));

        return sorted.get((sorted.size() - 1) / 2);
    }

    /**
     * Prints what the experiment is about to do and what the plan predicts.
     *
     * @param out where to print.
     */
    public void printHeader(final PrintWriter out)
    {
        final int workers = plan.workers();
        final long share = (plan.tasks() + workers - 1L) / workers;
        say(out, "skew: one stage of %d workers, round-robin dispatch, stealing off (static" +
            " assignment) and on", workers);
        say(out, "  tasks       %d per run, %d costly (%.1f%%), seed %d", plan.tasks(),
            plan.costlyCount(), 100.0 * plan.costlyCount() / plan.tasks(), plan.seed());
        say(out, "  cost        cheap %.1f us = %d units, costly %.1f us = %d units (x%.1f)",
            plan.cheapUs(), plan.cheapUnits(), plan.cheapUs() * plan.ratio(), plan.costlyUnits(),
            plan.ratio());
        say(out, MORE + "calibrated at %.1f work units per microsecond", plan.unitsPerUs());
        if (SkewPlan.Pattern.ALIGNED == plan.pattern())
        {
            say(out, "  pattern     aligned: costly tasks are drawn only from positions" +
                " 0, %d, %d, ...", workers, 2 * workers);
            say(out, MORE + "which round-robin sends to worker 0, as it does when a producer's");
            say(out, MORE + "period is a multiple of the worker count: static assignment's");
            say(out, MORE + "worst case, chosen on purpose; --pattern uniform is the control");
        }
        else
        {
            say(out, "  pattern     uniform: costly tasks are drawn from all positions, and");
            say(out, MORE + "round-robin spreads them evenly up to chance: little skew to fix");
        }

        say(out, "  submission  all at once from one thread, into rings of %d slots per worker",
            ringSize);
        if (ringSize >= share)
        {
            say(out, MORE + "that hold a worker's whole share of %d: what a worker gets is", share);
            say(out, MORE + "fixed by dispatch alone, not by a full ring or a paced submitter");
        }
        else
        {
            say(out, MORE + "NOTE: smaller than a worker's share of %d: a full ring diverts",
                share);
            say(out, MORE + "tasks to the next worker with room; 'off' is not pure round-robin");
        }

        final long[] units = plan.roundRobinUnits();
        final int[] costly = plan.roundRobinCostly();
        say(out, "  planned     work %.1f ms in all; ideal makespan (work / %d workers) %.1f ms",
            ms(plan.unitsToNs(plan.totalUnits())), workers, ms(plan.idealMakespanNs()));
        for (int w = 0; w < workers; w++)
        {
            say(out, MORE + "round-robin gives w%d %.1f ms of work (%d costly tasks)", w,
                ms(plan.unitsToNs(units[w])), costly[w]);
        }

        say(out, MORE + "so static assignment cannot beat %.1f ms = %.2f x ideal",
            ms(plan.roundRobinMakespanNs()), plan.roundRobinMakespanNs() / plan.idealMakespanNs());
        out.println();
        say(out, "runs, off and on interleaved (%d warm-up pair%s run first, not shown):", warmup,
            1 == warmup ? "" : "s");
        out.printf(Locale.ROOT, RUN_FORMAT, "pair", "mode", "makespan ms", "x ideal", "tasks/s",
            "busy ms", "idle ms", "idle %", "stretch", "stolen", "steal ok");
        out.flush();
    }

    /**
     * Prints one line for a measured run.
     *
     * @param out    where to print.
     * @param pair   which off/on pair, from 1.
     * @param result the run.
     */
    public void printRun(final PrintWriter out, final int pair, final SkewResult result)
    {
        out.printf(Locale.ROOT, RUN_FORMAT,
            pair,
            result.mode(),
            fixed(ms(result.makespanNs()), 1),
            fixed(result.makespanNs() / plan.idealMakespanNs(), 2),
            fixed(result.throughputPerSecond(), 0),
            fixed(ms(result.totalBusyNs()), 1),
            fixed(ms(result.totalIdleNs()), 1),
            fixed(100.0 * result.idleShare(), 1),
            fixed(stretch(result), 2),
            result.tasksStolen(),
            percent(result.stealSuccessRate()));
        out.flush();
    }

    /**
     * Prints the median run of each mode side by side, with on/off ratios, and a verdict over the
     * pairs.
     *
     * @param out where to print.
     * @param off runs with stealing off, in pair order.
     * @param on  runs with stealing on, in pair order.
     */
    public void printSummary(
        final PrintWriter out,
        final List<SkewResult> off,
        final List<SkewResult> on)
    {
        final SkewResult a = median(off);
        final SkewResult b = median(on);
        final double workers = plan.workers();
        final double idealNs = plan.idealMakespanNs();
        out.println();
        tableLine(out, "median run of each mode, by makespan", "off (static)", "on (stealing)",
            "on/off");
        row(out, "throughput, tasks/s", a.throughputPerSecond(), b.throughputPerSecond(), 0, true);
        row(out, "makespan, ms", ms(a.makespanNs()), ms(b.makespanNs()), 1, true);
        row(out, "ideal = planned work / workers, ms", ms(idealNs), ms(idealNs), 1, false);
        row(out, "ideal = measured busy / workers, ms", ms(a.totalBusyNs()) / workers,
            ms(b.totalBusyNs()) / workers, 1, false);
        row(out, "makespan / planned ideal", a.makespanNs() / idealNs, b.makespanNs() / idealNs,
            2, false);
        row(out, "busy, all workers, ms", ms(a.totalBusyNs()), ms(b.totalBusyNs()), 1, true);
        row(out, "idle, all workers, ms", ms(a.totalIdleNs()), ms(b.totalIdleNs()), 1, true);
        row(out, "idle share, %", 100.0 * a.idleShare(), 100.0 * b.idleShare(), 1, false);
        row(out, "stretch = busy / planned work", stretch(a), stretch(b), 2, false);
        for (int w = 0; w < plan.workers(); w++)
        {
            final SkewResult.WorkerResult x = a.workers().get(w);
            final SkewResult.WorkerResult y = b.workers().get(w);
            row(out, "w" + w + " busy, ms", ms(x.busyNs()), ms(y.busyNs()), 1, true);
            row(out, "w" + w + " idle, ms", ms(x.idleNs()), ms(y.idleNs()), 1, true);
            row(out, "w" + w + " tasks run", x.processed(), y.processed(), 0, false);
            row(out, "w" + w + " work run, planned ms", ms(plan.unitsToNs(x.unitsDone())),
                ms(plan.unitsToNs(y.unitsDone())), 1, false);
            row(out, "w" + w + " tasks stolen", x.tasksStolen(), y.tasksStolen(), 0, false);
        }

        row(out, "steal attempts", a.stealAttempts(), b.stealAttempts(), 0, false);
        row(out, "steal successes", a.stealSuccesses(), b.stealSuccesses(), 0, false);
        tableLine(out, "steal success rate (see SKEW.md)", percent(a.stealSuccessRate()),
            percent(b.stealSuccessRate()), "");
        row(out, "tasks stolen", a.tasksStolen(), b.tasksStolen(), 0, false);
        row(out, "tasks shed to the steal queue", a.tasksShed(), b.tasksShed(), 0, false);
        out.println();

        say(out, "stealing cut total idle time in %d of %d pairs: median idle %.1f -> %.1f ms",
            pairsWithLessIdle(off, on), Math.min(off.size(), on.size()),
            ms(medianOf(off, SkewResult::totalIdleNs)), ms(medianOf(on, SkewResult::totalIdleNs)));
        say(out, "median makespan %.1f -> %.1f ms; ideal %.1f ms planned, %.1f ms by measured busy",
            ms(a.makespanNs()), ms(b.makespanNs()), ms(idealNs), ms(b.totalBusyNs()) / workers);
        out.flush();
    }

    /**
     * How many off/on pairs had less total idle time with stealing on.
     *
     * @param off runs with stealing off, in pair order.
     * @param on  runs with stealing on, in pair order.
     * @return the count.
     */
    public static int pairsWithLessIdle(final List<SkewResult> off, final List<SkewResult> on)
    {
        int count = 0;
        for (int i = 0; i < Math.min(off.size(), on.size()); i++)
        {
            if (on.get(i).totalIdleNs() < off.get(i).totalIdleNs())
            {
                count++;
            }
        }

        return count;
    }

    /**
     * The whole experiment as one JSON object.
     *
     * @param off runs with stealing off, in pair order.
     * @param on  runs with stealing on, in pair order.
     * @return the JSON text, indented.
     */
    public String json(final List<SkewResult> off, final List<SkewResult> on)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", "skew");

        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("tasks", plan.tasks());
        config.put("workers", plan.workers());
        config.put("cheapUs", number(plan.cheapUs()));
        config.put("ratio", number(plan.ratio()));
        config.put("costlyPercent", number(plan.costlyPercent()));
        config.put("pattern", plan.pattern().label());
        config.put("seed", plan.seed());
        config.put("repeats", repeats);
        config.put("warmup", warmup);
        config.put("ringSize", ringSize);
        config.put("unitsPerUs", number(plan.unitsPerUs()));
        root.put("config", config);

        final Map<String, Object> planned = new LinkedHashMap<>();
        planned.put("costlyTasks", plan.costlyCount());
        planned.put("cheapUnits", plan.cheapUnits());
        planned.put("costlyUnits", plan.costlyUnits());
        planned.put("totalUnits", plan.totalUnits());
        planned.put("plannedWorkNs", nanos(plan.unitsToNs(plan.totalUnits())));
        planned.put("idealMakespanNs", nanos(plan.idealMakespanNs()));
        planned.put("roundRobinMakespanNs", nanos(plan.roundRobinMakespanNs()));
        final List<Object> roundRobinWork = new ArrayList<>();
        for (final long units : plan.roundRobinUnits())
        {
            roundRobinWork.add(nanos(plan.unitsToNs(units)));
        }
        planned.put("roundRobinWorkNs", roundRobinWork);
        final List<Object> roundRobinCostly = new ArrayList<>();
        for (final int costly : plan.roundRobinCostly())
        {
            roundRobinCostly.add(costly);
        }
        planned.put("roundRobinCostly", roundRobinCostly);
        root.put("plan", planned);

        final List<Object> runs = new ArrayList<>();
        for (int i = 0; i < Math.max(off.size(), on.size()); i++)
        {
            if (i < off.size())
            {
                runs.add(run(i + 1, off.get(i)));
            }
            if (i < on.size())
            {
                runs.add(run(i + 1, on.get(i)));
            }
        }
        root.put("runs", runs);

        final SkewResult a = median(off);
        final SkewResult b = median(on);
        final Map<String, Object> median = new LinkedHashMap<>();
        median.put("offPair", off.indexOf(a) + 1);
        median.put("onPair", on.indexOf(b) + 1);
        median.put("offMakespanNs", a.makespanNs());
        median.put("onMakespanNs", b.makespanNs());
        median.put("makespanRatio", number((double)b.makespanNs() / a.makespanNs()));
        median.put("offIdleNs", a.totalIdleNs());
        median.put("onIdleNs", b.totalIdleNs());
        median.put("idleRatio", number((double)b.totalIdleNs() / a.totalIdleNs()));
        median.put("throughputRatio", number(b.throughputPerSecond() / a.throughputPerSecond()));
        median.put("medianOffIdleNs", medianOf(off, SkewResult::totalIdleNs));
        median.put("medianOnIdleNs", medianOf(on, SkewResult::totalIdleNs));
        root.put("median", median);
        root.put("pairsWithLessIdle", pairsWithLessIdle(off, on));

        return JsonWriter.write(root);
    }

    private Map<String, Object> run(final int pair, final SkewResult result)
    {
        final Map<String, Object> run = new LinkedHashMap<>();
        run.put("pair", pair);
        run.put("mode", result.mode());
        run.put("stealing", result.stealing());
        run.put("makespanNs", result.makespanNs());
        run.put("submitNs", result.submitNs());
        run.put("completed", result.completed());
        run.put("failed", result.failed());
        run.put("engineErrors", result.engineErrors());
        run.put("throughputPerSecond", number(result.throughputPerSecond()));
        run.put("makespanOverIdeal", number(result.makespanNs() / plan.idealMakespanNs()));
        run.put("busyNs", result.totalBusyNs());
        run.put("idleNs", result.totalIdleNs());
        run.put("idleShare", number(result.idleShare()));
        run.put("stretch", number(stretch(result)));
        run.put("unitsDone", result.totalUnitsDone());
        run.put("stealAttempts", result.stealAttempts());
        run.put("stealSuccesses", result.stealSuccesses());
        run.put("stealSuccessRate", number(result.stealSuccessRate()));
        run.put("tasksStolen", result.tasksStolen());
        run.put("tasksShed", result.tasksShed());
        final List<Object> workers = new ArrayList<>();
        for (final SkewResult.WorkerResult worker : result.workers())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("worker", worker.worker());
            entry.put("processed", worker.processed());
            entry.put("busyNs", worker.busyNs());
            entry.put("idleNs", worker.idleNs());
            entry.put("unitsDone", worker.unitsDone());
            entry.put("plannedWorkDoneNs", nanos(plan.unitsToNs(worker.unitsDone())));
            entry.put("selfTimedWorkNs", worker.workNs());
            entry.put("tasksStolen", worker.tasksStolen());
            entry.put("tasksShed", worker.tasksShed());
            entry.put("siblingClaims", worker.siblingClaims());
            entry.put("stealAttempts", worker.stealAttempts());
            entry.put("stealSuccesses", worker.stealSuccesses());
            workers.add(entry);
        }
        run.put("workers", workers);

        return run;
    }

    /**
     * A planned duration for JSON: whole nanoseconds.
     *
     * @param ns the duration.
     * @return the rounded value.
     */
    private static long nanos(final double ns)
    {
        return Math.round(ns);
    }

    /**
     * A ratio, share or rate for JSON: six significant digits, or null when not finite.
     *
     * @param value the value.
     * @return the number, or null.
     */
    private static BigDecimal number(final double value)
    {
        return Double.isFinite(value) ? new BigDecimal(value, SIGNIFICANT) : null;
    }

    private static long medianOf(final List<SkewResult> runs, final ToLongFunction<SkewResult> f)
    {
        final long[] values = runs.stream().mapToLong(f).sorted().toArray();

        return values[(values.length - 1) / 2];
    }

    private static void row(
        final PrintWriter out,
        final String label,
        final double off,
        final double on,
        final int decimals,
        final boolean ratio)
    {
        final String ratioText = ratio && off > 0 ? fixed(on / off, 2) : "";
        tableLine(out, label, fixed(off, decimals), fixed(on, decimals), ratioText);
    }

    private static void tableLine(
        final PrintWriter out,
        final String label,
        final String off,
        final String on,
        final String ratio)
    {
        final String line = String.format(Locale.ROOT, TABLE_FORMAT, label, off, on, ratio);
        out.println(line.stripTrailing());
    }

    private static String fixed(final double value, final int decimals)
    {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String percent(final double share)
    {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * share);
    }

    private double stretch(final SkewResult result)
    {
        final double plannedNs = plan.unitsToNs(result.totalUnitsDone());

        return plannedNs <= 0 ? 0.0 : result.totalBusyNs() / plannedNs;
    }

    private static void say(final PrintWriter out, final String format, final Object... args)
    {
        out.printf(Locale.ROOT, format + "%n", args);
    }

    private static double ms(final double ns)
    {
        return ns / NS_PER_MS;
    }
}
