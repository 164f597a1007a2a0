package io.brigade.balance;

import io.brigade.Pipeline;
import io.brigade.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Weights are finite, positive and sum to one whatever the inputs; slower or more backlogged
 * workers get less; a schedule gives every worker at least one place and shares in proportion.
 * The last test checks the whole loop in a running pipeline.
 */
class WeightsTest
{
    private static final int SCHEDULE_LENGTH = 64;
    private static final long NO = Weights.NO_SAMPLES;

    @Test
    void shouldWeighEquallyWhenNoWorkerHasSamples()
    {
        final double[] weights = compute(new long[]{NO, NO, NO, NO}, new long[4], new long[4]);

        assertThat(weights).containsOnly(0.25);
    }

    @Test
    void shouldWeighEquallyWhenEveryServiceTimeIsZero()
    {
        final double[] weights = compute(new long[]{0, 0, 0}, new long[3], new long[3]);

        assertSane(weights);
        assertThat(weights[0]).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(weights[1]).isCloseTo(weights[2], within(1e-12));
    }

    @Test
    void shouldFavourZeroServiceTimeOverMeasuredOne()
    {
        final double[] weights = compute(new long[]{0, 1_000, 1_000}, new long[3], new long[3]);

        assertSane(weights);
        assertThat(weights[0]).isGreaterThan(weights[1]);
    }

    @Test
    void shouldWeighEquallyWhenAllIdleWithSameHistory()
    {
        final long[] last = {5_000, 5_000, 5_000, 5_000};
        final double[] weights = compute(new long[]{NO, NO, NO, NO}, last, new long[4]);

        assertThat(weights).containsOnly(0.25);
        assertThat(last).containsOnly(5_000L);
    }

    @Test
    void shouldKeepLastKnownServiceTimeWhenWorkerHasNoSamples()
    {
        final long[] last = new long[2];
        compute(new long[]{1_000, 4_000}, last, new long[2]);

        final double[] weights = compute(new long[]{1_000, NO}, last, new long[2]);

        assertThat(last).containsExactly(1_000L, 4_000L);
        assertThat(weights[0]).isCloseTo(0.8, within(1e-9));
        assertThat(weights[1]).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void shouldUseMedianOfKnownWorkersWhenWorkerWasNeverSampled()
    {
        final double[] weights =
            compute(new long[]{1_000, 3_000, 2_000, NO}, new long[4], new long[4]);

        assertSane(weights);
        // The unsampled worker takes the median (2,000 ns), as worker 2 does.
        assertThat(weights[3]).isCloseTo(weights[2], within(1e-12));
    }

    @Test
    void shouldStayFiniteWhenBacklogsAndServiceTimesAreHuge()
    {
        assertSane(compute(
            new long[]{Long.MAX_VALUE, 1, Long.MAX_VALUE - 1, 7},
            new long[4],
            new long[]{Long.MAX_VALUE, Long.MAX_VALUE, 0, Long.MAX_VALUE / 2}));
        assertSane(compute(
            new long[]{Long.MAX_VALUE, Long.MAX_VALUE},
            new long[2],
            new long[]{Long.MAX_VALUE, Long.MAX_VALUE}));
        assertSane(compute(new long[]{NO, NO}, new long[2], new long[]{Long.MAX_VALUE, 0}));
    }

    @Test
    void shouldTreatNegativeInputsAsSmallest()
    {
        final double[] weights = compute(new long[]{-5, 10}, new long[2], new long[]{-100, 0});

        assertSane(weights);
        assertThat(weights[0]).isGreaterThan(weights[1]);
    }

    @Test
    void shouldGiveLessToVerySlowWorker()
    {
        final double[] weights = compute(
            new long[]{20_000_000, 1_000_000, 1_000_000, 1_000_000}, new long[4], new long[4]);

        assertSane(weights);
        assertThat(weights[0] * 20).isCloseTo(weights[1], within(1e-9));
        assertThat(weights[1]).isEqualTo(weights[2]).isEqualTo(weights[3]);
    }

    @Test
    void shouldGiveLessToBackloggedWorker()
    {
        final double[] weights =
            compute(new long[]{1_000, 1_000, 1_000}, new long[3], new long[]{99, 0, 9});

        assertSane(weights);
        assertThat(weights[0]).isLessThan(weights[2]);
        assertThat(weights[2]).isLessThan(weights[1]);
        assertThat(weights[1] / weights[0]).isCloseTo(100.0, within(1e-6));
    }

    @Test
    void shouldGiveEveryWorkerAPlaceWhenOneWeightIsTiny()
    {
        final double[] weights = {1e-12, 0.5 - 5e-13, 0.5 - 5e-13};
        final int[] schedule = new int[SCHEDULE_LENGTH];

        Weights.fillSchedule(weights, schedule);

        assertThat(placesOf(schedule, 3)).containsExactly(1, 32, 31);
    }

    @Test
    void shouldShareScheduleInProportionToWeights()
    {
        final double[] weights = {0.5, 0.25, 0.125, 0.125};
        final int[] schedule = new int[SCHEDULE_LENGTH];

        Weights.fillSchedule(weights, schedule);

        assertThat(placesOf(schedule, 4)).containsExactly(32, 16, 8, 8);
    }

    @Test
    void shouldInterleaveScheduleInsteadOfGroupingAWorker()
    {
        final int[] schedule = new int[SCHEDULE_LENGTH];

        Weights.fillSchedule(new double[]{0.5, 0.5}, schedule);

        for (int i = 1; i < schedule.length; i++)
        {
            assertThat(schedule[i]).as("place %d", i).isNotEqualTo(schedule[i - 1]);
        }
    }

    @Test
    void shouldMatchEvenScheduleWhenWeightsAreEqual()
    {
        final int[] schedule = new int[SCHEDULE_LENGTH];

        Weights.fillSchedule(new double[]{0.25, 0.25, 0.25, 0.25}, schedule);

        assertThat(placesOf(schedule, 4)).containsOnly(16);
        assertThat(placesOf(Weights.evenSchedule(3, SCHEDULE_LENGTH), 3))
            .containsExactly(22, 21, 21);
    }

    /**
     * Random inputs, including every awkward value, with fixed seeds: weights stay sane and the
     * schedule stays within one place of the exact share (or at its minimum of one place).
     */
    @Test
    void shouldStaySaneForRandomInputs()
    {
        final long[] awkward = {NO, 0, 1, -7, Long.MAX_VALUE, Long.MIN_VALUE, 1_000, 50_000_000};
        for (long seed = 0; seed < 5_000; seed++)
        {
            final Random random = new Random(seed);
            final int workers = 1 + random.nextInt(8);
            final long[] service = new long[workers];
            final long[] last = new long[workers];
            final long[] backlog = new long[workers];
            for (int i = 0; i < workers; i++)
            {
                service[i] = random.nextBoolean() ?
                    awkward[random.nextInt(awkward.length)] : random.nextInt(10_000_000);
                last[i] = random.nextInt(4) == 0 ? 0 : Math.abs(random.nextLong() % 10_000_000);
                backlog[i] = random.nextBoolean() ?
                    awkward[random.nextInt(awkward.length)] : random.nextInt(100_000);
            }
            final String inputs = "seed " + seed + " service=" + Arrays.toString(service) +
                " last=" + Arrays.toString(last) + " backlog=" + Arrays.toString(backlog);

            final double[] weights = new double[workers];
            Weights.compute(service, last, backlog, weights);
            assertSane(weights, inputs);

            final int[] schedule = new int[SCHEDULE_LENGTH];
            Weights.fillSchedule(weights, schedule);
            final int[] places = placesOf(schedule, workers);
            for (int i = 0; i < workers; i++)
            {
                final double exact = weights[i] * SCHEDULE_LENGTH;
                assertThat(places[i]).as("places of worker %d, %s", i, inputs).isPositive();
                if (exact >= 1)
                {
                    assertThat((double)places[i]).as("places of worker %d, %s", i, inputs)
                        .isCloseTo(exact, within(1.0 + workers));
                }
            }
            if (Arrays.stream(weights).allMatch((w) -> w * SCHEDULE_LENGTH >= 1))
            {
                for (int i = 0; i < workers; i++)
                {
                    assertThat(Math.abs(places[i] - weights[i] * SCHEDULE_LENGTH))
                        .as("rounding of worker %d, %s", i, inputs).isLessThan(1.0);
                }
            }
        }
    }

    /**
     * Worker 0 takes 20 times as long per task as its siblings. With stealing off, whatever the
     * balancer gives it, it runs, so its processed count is its share of dispatches. Submission is
     * paced well below capacity and rings are deep, so no dispatch spills over from a full ring:
     * only the weights can make worker 0's share small.
     */
    @Test
    @Timeout(60)
    void shouldSendFewerNewTasksToSlowWorkerWhenBalancingByWeight()
    {
        final int warmup = 300;
        final int measured = 1_500;
        final AtomicIntegerArray measuredRuns = new AtomicIntegerArray(4);
        final Pipeline<int[]> pipeline = Pipeline.<int[]>builder("weights")
            .stagePerWorker("weigh", (worker) -> slowWorkerZero(worker, warmup, measuredRuns))
            .workers(4).ringSize(4096).stealing(false).balance(Balance.WEIGHTED_ROUND_ROBIN).and()
            .balancerPeriodNs(TimeUnit.MILLISECONDS.toNanos(20))
            .build();
        pipeline.start();
        try
        {
            for (int i = 0; i < warmup + measured; i++)
            {
                pipeline.submit(new int[]{i});
                LockSupport.parkNanos(500_000);
            }
        }
        finally
        {
            pipeline.close();
        }

        final int slow = measuredRuns.get(0);
        final int others = measuredRuns.get(1) + measuredRuns.get(2) + measuredRuns.get(3);
        System.out.println("WeightsTest measured dispatches per worker: " + measuredRuns);
        assertThat(slow + others).isEqualTo(measured);
        assertThat((double)slow)
            .as("worker 0's new dispatches vs half the average of the others, %s", measuredRuns)
            .isLessThan(others / 3.0 / 2);
        assertThat(slow).as("worker 0 keeps at least one place in the schedule").isPositive();
    }

    private static Processor<int[]> slowWorkerZero(
        final int worker,
        final int warmup,
        final AtomicIntegerArray measuredRuns)
    {
        return (task) ->
        {
            if (0 == worker)
            {
                LockSupport.parkNanos(2_000_000);
            }
            else
            {
                final long endNs = System.nanoTime() + 100_000;
                while (System.nanoTime() - endNs < 0)
                {
                    Thread.onSpinWait();
                }
            }

            if (task[0] >= warmup)
            {
                measuredRuns.incrementAndGet(worker);
            }
        };
    }

    private static double[] compute(final long[] service, final long[] last, final long[] backlog)
    {
        final double[] weights = new double[service.length];
        Weights.compute(service, last, backlog, weights);

        return weights;
    }

    private static int[] placesOf(final int[] schedule, final int workers)
    {
        final int[] places = new int[workers];
        for (final int worker : schedule)
        {
            places[worker]++;
        }

        return places;
    }

    private static void assertSane(final double[] weights)
    {
        assertSane(weights, Arrays.toString(weights));
    }

    private static void assertSane(final double[] weights, final String inputs)
    {
        double sum = 0;
        for (final double weight : weights)
        {
            assertThat(Double.isFinite(weight))
                .as("finite weight in %s: %s", Arrays.toString(weights), inputs).isTrue();
            assertThat(weight)
                .as("positive weight in %s: %s", Arrays.toString(weights), inputs).isPositive();
            sum += weight;
        }
        assertThat(sum).as("sum of %s: %s", Arrays.toString(weights), inputs)
            .isCloseTo(1.0, within(1e-9));
    }
}
