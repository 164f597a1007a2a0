package io.brigade.balance;

import java.util.Arrays;

/**
 * Turns each worker's recent service time and backlog into dispatch weights and a schedule for
 * {@link Balance#WEIGHTED_ROUND_ROBIN}.
 * <p>
 * A worker's weight is its expected rate of taking new work: {@code 1 / (serviceNs * (backlog + 1))}.
 * A worker twice as slow, or with twice the queue, gets half the share. Inputs are made sane first:
 * <ul>
 *     <li>a worker with no samples in the interval (idle, or starved by its weight) keeps its last
 *     known service time, or takes the median of the workers that have one, so it neither
 *     vanishes from the schedule nor floods;</li>
 *     <li>service times are at least one nanosecond and backlogs at least zero;</li>
 *     <li>with no service time known anywhere, every worker weighs the same.</li>
 * </ul>
 * Every worker keeps at least one place in the schedule, so its statistics stay fresh.
 * <p>
 * Threading: not thread-safe; the engine calls it from its control agent only.
 */
public final class Weights
{
    /** Marks "no samples this interval" in the service-time input. */
    public static final long NO_SAMPLES = -1;

    private Weights()
    {
    }

    /**
     * Computes weights in place.
     *
     * @param serviceNs     each worker's service-time percentile over the last interval, or
     *                      {@link #NO_SAMPLES}.
     * @param lastServiceNs each worker's last known service time, updated in place; 0 when unknown.
     * @param backlog       each worker's current backlog.
     * @param weights       receives the weights: finite, positive, summing to one.
     */
    public static void compute(
        final long[] serviceNs,
        final long[] lastServiceNs,
        final long[] backlog,
        final double[] weights)
    {
        final int workers = weights.length;
        for (int i = 0; i < workers; i++)
        {
            if (serviceNs[i] != NO_SAMPLES)
            {
                lastServiceNs[i] = Math.max(1, serviceNs[i]);
            }
        }

        final long fallbackNs = medianKnown(lastServiceNs);
        double sum = 0;
        for (int i = 0; i < workers; i++)
        {
            final long service = lastServiceNs[i] > 0 ? lastServiceNs[i] : fallbackNs;
            final double queued = Math.max(0, backlog[i]) + 1.0;
            final double weight = 1.0 / (service * queued);
            weights[i] = weight;
            sum += weight;
        }

        for (int i = 0; i < workers; i++)
        {
            weights[i] = weights[i] / sum;
        }
    }

    /**
     * Lays weights out as an interleaved schedule (smooth weighted round-robin), each worker
     * getting at least one place.
     *
     * @param weights  normalised weights, one per worker.
     * @param schedule receives worker indices; its length must be a power of two and at least the
     *                 number of workers.
     */
    public static void fillSchedule(final double[] weights, final int[] schedule)
    {
        final int workers = weights.length;
        final int length = schedule.length;
        final int[] places = new int[workers];
        int given = 0;
        for (int i = 0; i < workers; i++)
        {
            places[i] = Math.max(1, (int)Math.floor(weights[i] * length));
            given += places[i];
        }

        while (given > length)
        {
            final int largest = indexOfMax(places);
            places[largest]--;
            given--;
        }

        while (given < length)
        {
            int best = 0;
            double bestShortfall = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < workers; i++)
            {
                final double shortfall = weights[i] * length - places[i];
                if (shortfall > bestShortfall)
                {
                    bestShortfall = shortfall;
                    best = i;
                }
            }
            places[best]++;
            given++;
        }

        final long[] current = new long[workers];
        for (int slot = 0; slot < length; slot++)
        {
            int chosen = 0;
            for (int i = 0; i < workers; i++)
            {
                current[i] += places[i];
                if (current[i] > current[chosen])
                {
                    chosen = i;
                }
            }
            current[chosen] -= length;
            schedule[slot] = chosen;
        }
    }

    /**
     * An equal schedule: worker {@code i} at every {@code workers}-th place.
     *
     * @param workers number of workers.
     * @param length  schedule length, a power of two at least {@code workers}.
     * @return the schedule.
     */
    public static int[] evenSchedule(final int workers, final int length)
    {
        final int[] schedule = new int[length];
        for (int i = 0; i < length; i++)
        {
            schedule[i] = i % workers;
        }

        return schedule;
    }

    private static long medianKnown(final long[] values)
    {
        final long[] known = Arrays.stream(values).filter((v) -> v > 0).sorted().toArray();
        if (0 == known.length)
        {
            return 1;
        }

        return known[known.length / 2];
    }

    private static int indexOfMax(final int[] values)
    {
        int index = 0;
        for (int i = 1; i < values.length; i++)
        {
            if (values[i] > values[index])
            {
                index = i;
            }
        }

        return index;
    }
}
