package io.brigade.metrics;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency distribution, in nanoseconds.
 *
 * @param count  number of values recorded.
 * @param p50Ns  median.
 * @param p99Ns  99th percentile.
 * @param p999Ns 99.9th percentile.
 * @param maxNs  largest value recorded.
 */
public record LatencySummary(long count, long p50Ns, long p99Ns, long p999Ns, long maxNs)
{
    /** A summary of nothing. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

    /**
     * Summarises a histogram.
     *
     * @param histogram values in nanoseconds.
     * @return the summary, {@link #EMPTY} when the histogram holds no values.
     */
    public static LatencySummary of(final Histogram histogram)
    {
        if (0 == histogram.getTotalCount())
        {
            return EMPTY;
        }

        return new LatencySummary(
            histogram.getTotalCount(),
            histogram.getValueAtPercentile(50),
            histogram.getValueAtPercentile(99),
            histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }
}
