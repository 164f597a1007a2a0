package io.brigade.examples.skew;

/**
 * Real CPU work in counted units: one unit is one step of a xorshift generator, a chain of
 * dependent shifts and xors that the JIT can neither skip nor fold, as long as the result is kept.
 * <p>
 * Work is counted in units rather than timed against a deadline, so the total work of a plan is
 * known exactly and does not shrink when a thread is descheduled: on a loaded machine a task takes
 * longer, and the measured busy time shows it. {@link #calibrate()} converts microseconds to units
 * on this machine.
 * <p>
 * Threading: stateless; safe from any thread.
 */
public final class SpinWork
{
    private static final long WARMUP_CALLS = 20_000;
    private static final long WARMUP_UNITS_PER_CALL = 2_000;
    private static final long PROBE_UNITS = 1_000_000;
    private static final long TRIAL_NS = 10_000_000;
    private static final int TRIALS = 7;
    private static final long CALL_UNITS = 5_000;

    /** Keeps calibration results live: the JIT cannot drop work whose result is written here. */
    private static volatile long blackhole;

    private SpinWork()
    {
    }

    /**
     * Does {@code units} steps of xorshift work.
     *
     * @param units how much work; zero or less does nothing.
     * @param seed  starting state, so that no two calls can be folded into one.
     * @return the final state: store it where the JIT cannot prove it dead.
     */
    public static long burn(final long units, final long seed)
    {
        long x = seed | 1;
        for (long i = 0; i < units; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }

        return x;
    }

    /**
     * Measures how many units this machine runs per microsecond: warms the loop up, then takes the
     * best of several timed trials made of task-sized calls. The best trial is the one least
     * disturbed by other processes, so the figure errs on the fast side and tasks built from it
     * take at least their nominal time.
     *
     * @return units per microsecond, at least 1.
     */
    public static double calibrate()
    {
        long sink = 0;
        for (long i = 0; i < WARMUP_CALLS; i++)
        {
            sink += burn(WARMUP_UNITS_PER_CALL, i);
        }

        final long probeStartNs = System.nanoTime();
        sink += burn(PROBE_UNITS, sink);
        final long probeNs = Math.max(1, System.nanoTime() - probeStartNs);
        final long trialUnits = Math.max(CALL_UNITS, PROBE_UNITS * TRIAL_NS / probeNs);
        final long calls = Math.max(1, trialUnits / CALL_UNITS);

        long bestNs = Long.MAX_VALUE;
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final long startNs = System.nanoTime();
            for (long call = 0; call < calls; call++)
            {
                sink += burn(CALL_UNITS, sink + call);
            }
            bestNs = Math.min(bestNs, System.nanoTime() - startNs);
        }

        final double unitsPerUs = (double)calls * CALL_UNITS * 1_000.0 / Math.max(1, bestNs);
        blackhole = sink;

        return Math.max(1.0, unitsPerUs);
    }
}
