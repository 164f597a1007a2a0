package io.brigade.examples.skew;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code skew} example: one stage of two or more workers, a share of tasks much costlier than
 * the rest, run with stealing off (static round-robin assignment) and on, interleaved, in one
 * process. Prints throughput, busy and idle time per worker, steal success rate and makespan
 * against the ideal, both modes side by side; {@code engine-examples/SKEW.md} explains each field.
 * <p>
 * Runs on its own through {@link #main(String[])}, or as a subcommand of a picocli top command.
 */
@Command(
    name = "skew",
    sortOptions = false,
    description = {
        "Shows what work stealing does under skewed task costs: one stage with",
        "round-robin dispatch, a share of tasks many times costlier than the rest,",
        "stealing off and on in turn. Fields are explained in engine-examples/SKEW.md.",
        "Exit code 0 when every run's accounting adds up, 1 when one does not (or the",
        "JVM lacks the export the engine needs), 2 for a bad option."})
public final class SkewCommand implements Callable<Integer>
{
    private static final int MAX_TASKS = 10_000_000;
    private static final String AGRONA_NEEDS = "jdk.internal.misc";

    @Spec
    private CommandSpec spec;

    @Option(names = {"-n", "--tasks"}, defaultValue = "20000",
        description = "Tasks per run (default: ${DEFAULT-VALUE}).")
    private int tasks;

    @Option(names = {"-w", "--workers"}, defaultValue = "2",
        description = "Workers in the stage, at least 2 (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(names = "--cheap-us", defaultValue = "20",
        description = "Work in a cheap task, in microseconds (default: ${DEFAULT-VALUE}).")
    private double cheapUs;

    @Option(names = "--ratio", defaultValue = "20",
        description = "Cost of a costly task over a cheap one (default: ${DEFAULT-VALUE}).")
    private double ratio;

    @Option(names = "--costly-percent", defaultValue = "10",
        description = "Share of costly tasks, in percent (default: ${DEFAULT-VALUE}).")
    private double costlyPercent;

    @Option(names = "--pattern", defaultValue = "aligned", converter = PatternConverter.class,
        description = "Where costly tasks fall: aligned (all on worker 0's round-robin turns) "
            + "or uniform (anywhere) (default: ${DEFAULT-VALUE}).")
    private SkewPlan.Pattern pattern;

    @Option(names = "--seed", defaultValue = "42",
        description = "Seed of the draw of costly tasks (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--repeats", defaultValue = "3",
        description = "Off/on pairs measured, interleaved (default: ${DEFAULT-VALUE}).")
    private int repeats;

    @Option(names = "--warmup", defaultValue = "1",
        description = "Off/on pairs run first and not reported (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--ring-size", defaultValue = "0",
        description = "Slots per worker ring, a power of two; 0 picks the smallest that holds a "
            + "worker's whole share (default: ${DEFAULT-VALUE}).")
    private int ringSize;

    @Option(names = "--units-per-us", defaultValue = "0",
        description = "Work units per microsecond; 0 calibrates on this machine "
            + "(default: ${DEFAULT-VALUE}).")
    private double unitsPerUs;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    private boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /**
     * Runs the command on its own.
     *
     * @param args command-line arguments; {@code --help} lists them.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new SkewCommand()).execute(args));
    }

    /**
     * Calibrates, plans, runs the interleaved pairs and prints the report.
     *
     * @return 0 when every run's accounting adds up; 1 when one does not, or when the JVM does
     * not export what the engine needs.
     */
    @Override
    public Integer call()
    {
        validate();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (!Object.class.getModule().isExported(AGRONA_NEEDS, SkewCommand.class.getModule()))
        {
            err.println("skew: the engine (through Agrona) needs java.base to export " +
                AGRONA_NEEDS + ": run with --add-exports java.base/" + AGRONA_NEEDS +
                "=ALL-UNNAMED, or with java -jar brigade-examples.jar, whose manifest adds it");
            err.flush();
            return 1;
        }

        final double speed = unitsPerUs > 0 ? unitsPerUs : SpinWork.calibrate();
        final SkewPlan plan;
        try
        {
            plan = SkewPlan.create(
                tasks, workers, cheapUs, ratio, costlyPercent, pattern, seed, speed);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }

        final int ring = ringSize > 0 ? ringSize : SkewRunner.autoRingSize(plan);
        final SkewReport report = new SkewReport(plan, ring, repeats, warmup);
        if (!json)
        {
            report.printHeader(out);
        }

        for (int i = 0; i < warmup; i++)
        {
            SkewRunner.run(plan, false, ring);
            SkewRunner.run(plan, true, ring);
        }

        final List<SkewResult> off = new ArrayList<>(repeats);
        final List<SkewResult> on = new ArrayList<>(repeats);
        final List<String> problems = new ArrayList<>();
        for (int pair = 1; pair <= repeats; pair++)
        {
            off.add(measure(plan, false, ring, pair, report, out, problems));
            on.add(measure(plan, true, ring, pair, report, out, problems));
        }

        if (json)
        {
            out.println(report.json(off, on));
        }
        else
        {
            report.printSummary(out, off, on);
        }

        out.flush();

        for (final String problem : problems)
        {
            err.println("skew: accounting does not add up: " + problem);
        }

        err.flush();

        return problems.isEmpty() ? 0 : 1;
    }

    private SkewResult measure(
        final SkewPlan plan,
        final boolean stealing,
        final int ring,
        final int pair,
        final SkewReport report,
        final PrintWriter out,
        final List<String> problems)
    {
        final SkewResult result = SkewRunner.run(plan, stealing, ring);
        problems.addAll(SkewRunner.accountingProblems(plan, result));
        if (!json)
        {
            report.printRun(out, pair, result);
        }

        return result;
    }

    private void validate()
    {
        require(tasks >= 1 && tasks <= MAX_TASKS,
            "--tasks must be in [1, " + MAX_TASKS + "], was " + tasks);
        require(workers >= 2 && workers <= 1024, "--workers must be in [2, 1024], was " + workers);
        require(cheapUs > 0, "--cheap-us must be > 0, was " + cheapUs);
        require(ratio >= 1, "--ratio must be >= 1, was " + ratio);
        require(costlyPercent >= 0 && costlyPercent <= 100,
            "--costly-percent must be in [0, 100], was " + costlyPercent);
        require(repeats >= 1, "--repeats must be >= 1, was " + repeats);
        require(warmup >= 0, "--warmup must be >= 0, was " + warmup);
        require(0 == ringSize || (ringSize >= 2 && 0 == (ringSize & (ringSize - 1))),
            "--ring-size must be 0 or a power of two >= 2, was " + ringSize);
        require(unitsPerUs >= 0, "--units-per-us must be >= 0, was " + unitsPerUs);
    }

    private void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * Reads {@code --pattern} in any case.
     */
    public static final class PatternConverter
        implements CommandLine.ITypeConverter<SkewPlan.Pattern>
    {
        /**
         * Converts a pattern name.
         *
         * @param value the name on the command line.
         * @return the pattern.
         */
        @Override
        public SkewPlan.Pattern convert(final String value)
        {
            try
            {
                return SkewPlan.Pattern.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a pattern: use aligned or uniform");
            }
        }
    }
}
