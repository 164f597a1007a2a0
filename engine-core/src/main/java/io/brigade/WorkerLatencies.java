package io.brigade;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * One worker's latency histograms, recorded without locks and read as intervals.
 * <p>
 * Like HdrHistogram's interval recorders, but the stage latency and service time of a task go into
 * one writer critical section, so a task costs one {@link WriterReaderPhaser} entry and exit
 * instead of one per value. The reader swaps the active and inactive sets under the phaser, so a
 * value is never lost or counted twice.
 * <p>
 * Threading: the record methods are for the owning worker's thread only; {@link #sample} is for
 * one reader at a time.
 */
final class WorkerLatencies
{
    /** Largest latency recorded; longer values are clamped, never thrown on. */
    static final long MAX_RECORDABLE_NS = 3_600_000_000_000L;

    private static final int STAGE = 0;
    private static final int SERVICE = 1;
    private static final int END_TO_END = 2;

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Histogram[] active = newSet();
    private Histogram[] inactive = newSet();

    static Histogram newHistogram()
    {
        return new Histogram(1, MAX_RECORDABLE_NS, 2);
    }

    private static Histogram[] newSet()
    {
        return new Histogram[] {newHistogram(), newHistogram(), newHistogram()};
    }

    /**
     * Records one task's time in the stage, from entry to the end of processing, and in the
     * processor.
     *
     * @param stageNs   entry to end of processing.
     * @param serviceNs inside the processor.
     */
    void recordTask(final long stageNs, final long serviceNs)
    {
        final long critical = phaser.writerCriticalSectionEnter();
        try
        {
            final Histogram[] set = active;
            set[STAGE].recordValue(clamp(stageNs));
            set[SERVICE].recordValue(clamp(serviceNs));
        }
        finally
        {
            phaser.writerCriticalSectionExit(critical);
        }
    }

    /**
     * Records one completed task's time from submit to completion.
     *
     * @param endToEndNs submit to completion.
     */
    void recordEndToEnd(final long endToEndNs)
    {
        final long critical = phaser.writerCriticalSectionEnter();
        try
        {
            active[END_TO_END].recordValue(clamp(endToEndNs));
        }
        finally
        {
            phaser.writerCriticalSectionExit(critical);
        }
    }

    /**
     * Takes what was recorded since the last sample: adds it to the cumulative histograms, and
     * leaves the interval's service times in {@code serviceInterval}.
     *
     * @param stage           cumulative stage latency.
     * @param service         cumulative service time.
     * @param endToEnd        cumulative end-to-end latency.
     * @param serviceInterval receives the interval's service times only.
     */
    void sample(
        final Histogram stage,
        final Histogram service,
        final Histogram endToEnd,
        final Histogram serviceInterval)
    {
        phaser.readerLock();
        try
        {
            final Histogram[] interval = active;
            for (final Histogram histogram : inactive)
            {
                histogram.reset();
            }
            active = inactive;
            inactive = interval;
            phaser.flipPhase();
        }
        finally
        {
            phaser.readerUnlock();
        }

        stage.add(inactive[STAGE]);
        service.add(inactive[SERVICE]);
        endToEnd.add(inactive[END_TO_END]);
        serviceInterval.reset();
        serviceInterval.add(inactive[SERVICE]);
    }

    private static long clamp(final long valueNs)
    {
        return Math.max(0, Math.min(valueNs, MAX_RECORDABLE_NS));
    }
}
