package io.brigade.examples.skew;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks the skew example's plan and accounting. Nothing here asserts on a timing ratio: the
 * machines that run it are shared and noisy. Busy time is only checked to be of the planned order.
 */
@Timeout(120)
class SkewTest
{
    private static final int TASKS = 4_000;
    private static final int WORKERS = 2;
    private static final double CHEAP_US = 10;
    private static final double RATIO = 20;
    private static final double COSTLY_PERCENT = 10;
    private static final long SEED = 7;
    private static final String RUN_LINE = "\\s+[12]\\s+(off|on)\\s.*";

    private static double unitsPerUs;

    @BeforeAll
    static void calibrate()
    {
        unitsPerUs = SpinWork.calibrate();
    }

    private static SkewPlan plan(final SkewPlan.Pattern pattern)
    {
        return plan(pattern, SEED);
    }

    private static SkewPlan plan(final SkewPlan.Pattern pattern, final long seed)
    {
        return SkewPlan.create(
            TASKS, WORKERS, CHEAP_US, RATIO, COSTLY_PERCENT, pattern, seed, unitsPerUs);
    }

    @Test
    void shouldDrawTheSameCostlyTasksForTheSameSeed()
    {
        final SkewPlan first = plan(SkewPlan.Pattern.UNIFORM);
        final SkewPlan second = plan(SkewPlan.Pattern.UNIFORM);
        final SkewPlan otherSeed = plan(SkewPlan.Pattern.UNIFORM, SEED + 1);

        final boolean[] a = costlyFlags(first);
        assertThat(costlyFlags(second)).isEqualTo(a);
        assertThat(costlyFlags(otherSeed)).isNotEqualTo(a);
        assertThat(first.costlyCount()).isEqualTo(400);
        assertThat(count(a)).isEqualTo(400);
    }

    @Test
    void shouldPutEveryCostlyTaskOnWorkerZeroTurnsWhenAligned()
    {
        final SkewPlan plan = plan(SkewPlan.Pattern.ALIGNED);

        for (int i = 0; i < plan.tasks(); i++)
        {
            if (plan.isCostly(i))
            {
                assertThat(i % WORKERS).isZero();
            }
        }
        assertThat(plan.roundRobinCostly()).containsExactly(400, 0);
        assertThat(Arrays.stream(plan.roundRobinUnits()).sum()).isEqualTo(plan.totalUnits());
        assertThat(plan.totalUnits())
            .isEqualTo(400 * plan.costlyUnits() + 3_600 * plan.cheapUnits());
        assertThat(plan.roundRobinMakespanNs()).isGreaterThan(plan.idealMakespanNs());
    }

    @Test
    void shouldRejectAlignedPatternWhenCostlyTasksOutnumberWorkerZeroTurns()
    {
        assertThatThrownBy(() -> SkewPlan.create(
            10, 2, CHEAP_US, RATIO, 60, SkewPlan.Pattern.ALIGNED, SEED, unitsPerUs))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("pattern aligned");
    }

    @Test
    void shouldSizeRingsToHoldAWorkerWholeShare()
    {
        assertThat(SkewRunner.autoRingSize(plan(SkewPlan.Pattern.ALIGNED))).isEqualTo(2_048);
        assertThat(SkewRunner.autoRingSize(SkewPlan.create(
            20_000, 2, CHEAP_US, RATIO, 10, SkewPlan.Pattern.ALIGNED, SEED, unitsPerUs)))
            .isEqualTo(16_384);
        assertThat(SkewRunner.autoRingSize(SkewPlan.create(
            1, 2, CHEAP_US, RATIO, 0, SkewPlan.Pattern.ALIGNED, SEED, unitsPerUs))).isEqualTo(2);
    }

    @Test
    void shouldRunExactlyTheRoundRobinShareOnEachWorkerWhenStealingIsOff()
    {
        final SkewPlan plan = plan(SkewPlan.Pattern.ALIGNED);

        final SkewResult result = SkewRunner.run(plan, false, SkewRunner.autoRingSize(plan));

        assertThat(SkewRunner.accountingProblems(plan, result)).isEmpty();
        assertThat(result.completed()).isEqualTo(TASKS);
        assertThat(result.failed()).isZero();
        assertThat(result.tasksStolen()).isZero();
        assertThat(result.stealAttempts()).isZero();
        assertThat(result.workers()).extracting(SkewResult.WorkerResult::unitsDone)
            .containsExactly(plan.roundRobinUnits()[0], plan.roundRobinUnits()[1]);
        assertThat(result.workers()).extracting(SkewResult.WorkerResult::processed)
            .containsExactly((long)TASKS / 2, (long)TASKS / 2);
        assertBusyOfThePlannedOrder(plan, result);
    }

    @Test
    void shouldRunAllPlannedWorkAndReportStealsWhenStealingIsOn()
    {
        final SkewPlan plan = plan(SkewPlan.Pattern.ALIGNED);

        final SkewResult result = SkewRunner.run(plan, true, SkewRunner.autoRingSize(plan));

        assertThat(SkewRunner.accountingProblems(plan, result)).isEmpty();
        assertThat(result.completed()).isEqualTo(TASKS);
        assertThat(result.failed()).isZero();
        assertThat(result.engineErrors()).isZero();
        assertThat(result.totalUnitsDone()).isEqualTo(plan.totalUnits());
        assertThat(result.tasksStolen()).isPositive();
        assertThat(result.stealSuccesses()).isPositive();
        assertBusyOfThePlannedOrder(plan, result);
    }

    @Test
    void shouldPrintTablesAndExitZero()
    {
        final StringWriter out = new StringWriter();

        final int exitCode = execute(out, "--tasks", "400", "--cheap-us", "5", "--repeats", "2",
            "--warmup", "0", "--units-per-us", Double.toString(unitsPerUs));

        assertThat(exitCode).isZero();
        assertThat(out.toString())
            .contains("pattern     aligned")
            .contains("median run of each mode, by makespan")
            .contains("w1 idle, ms")
            .contains("steal success rate")
            .contains("stealing cut total idle time in");
        assertThat(out.toString().lines().filter((line) -> line.matches(RUN_LINE))).hasSize(4);
    }

    @Test
    void shouldPrintOneJsonObjectWithEveryRun()
    {
        final StringWriter out = new StringWriter();

        final int exitCode = execute(out, "--tasks", "400", "--cheap-us", "5", "--repeats", "2",
            "--warmup", "0", "--pattern", "UNIFORM", "--json",
            "--units-per-us", Double.toString(unitsPerUs));

        final String text = out.toString().trim();
        assertThat(exitCode).isZero();
        assertThat(text).startsWith("{").endsWith("}").doesNotContain("costly tasks are drawn");
        final String json = text.replaceAll("\\s+", "");
        assertThat(json).startsWith("{\"command\":\"skew\"");
        assertThat(json).contains("\"pattern\":\"uniform\"", "\"runs\":[", "\"median\":{",
            "\"pairsWithLessIdle\":", "\"stealSuccessRate\":null");
        assertThat(json.split("\"mode\":", -1)).hasSize(5);
    }

    @Test
    void shouldRejectASingleWorker()
    {
        final StringWriter out = new StringWriter();

        assertThat(execute(out, "--workers", "1", "--units-per-us", "100")).isEqualTo(2);
    }

    private static int execute(final StringWriter out, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new SkewCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));

        return commandLine.execute(args);
    }

    private static void assertBusyOfThePlannedOrder(final SkewPlan plan, final SkewResult result)
    {
        for (final SkewResult.WorkerResult worker : result.workers())
        {
            // The engine's busy window encloses the processor's own timing of the work, plus a few
            // instructions per task; a thread descheduled in that gap is the only slack needed.
            assertThat(worker.busyNs()).isGreaterThanOrEqualTo(worker.workNs());
            assertThat(worker.busyNs()).isLessThanOrEqualTo(worker.workNs() + worker.workNs() / 10 +
                TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(worker.busyNs()).isLessThanOrEqualTo(result.makespanNs());
            assertThat(worker.idleNs()).isEqualTo(result.makespanNs() - worker.busyNs());
        }

        // Against the plan, only the order of magnitude: calibration takes the fastest of several
        // trials, so work runs at least at about its nominal time, but a busy shared machine can
        // stretch it several times over (6x was seen while other builds ran on the same 2 cores).
        final double plannedNs = plan.unitsToNs(plan.totalUnits());
        assertThat((double)result.totalBusyNs())
            .as(String.format(Locale.ROOT, "busy %d ns against %.0f ns planned",
                result.totalBusyNs(), plannedNs))
            .isBetween(0.25 * plannedNs, 50.0 * plannedNs);
    }

    private static boolean[] costlyFlags(final SkewPlan plan)
    {
        final boolean[] flags = new boolean[plan.tasks()];
        for (int i = 0; i < flags.length; i++)
        {
            flags[i] = plan.isCostly(i);
        }

        return flags;
    }

    private static int count(final boolean[] flags)
    {
        int count = 0;
        for (final boolean flag : flags)
        {
            count += flag ? 1 : 0;
        }

        return count;
    }
}
