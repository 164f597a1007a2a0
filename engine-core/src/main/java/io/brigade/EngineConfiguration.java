package io.brigade;

import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Every tunable setting: its {@code engine.*} system property, its default and an accessor that
 * reads it.
 * <p>
 * Builders start from these accessors, so a property changes the default of every pipeline built
 * afterwards, and a builder call overrides it for one pipeline or stage. Properties are read only
 * while building, never on a hot path. A value that cannot be parsed is rejected with the
 * property's name; a value out of range is rejected when the pipeline is built, with the name of
 * the stage and the property.
 * <p>
 * Durations take Agrona's suffixes ({@code ns}, {@code us}, {@code ms}, {@code s}); sizes take
 * {@code k}, {@code m}, {@code g}.
 */
public final class EngineConfiguration
{
    /** Slots in each worker's ring: a power of two, at least 2. */
    public static final String RING_SIZE_PROP_NAME = "engine.ring.size";
    /** Default for {@link #RING_SIZE_PROP_NAME}. */
    public static final int RING_SIZE_DEFAULT = 1024;

    /** Workers per stage, when a stage does not say. */
    public static final String WORKERS_PROP_NAME = "engine.workers";
    /** Default for {@link #WORKERS_PROP_NAME}. */
    public static final int WORKERS_DEFAULT = 1;

    /** Idle strategy alias for workers: backoff, yield, sleep, spin or noop (see {@link #idleStrategy}). */
    public static final String IDLE_STRATEGY_PROP_NAME = "engine.idle.strategy";
    /** Default for {@link #IDLE_STRATEGY_PROP_NAME}. */
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";

    /** Longest park of the backoff strategy, and the period of the sleeping one. */
    public static final String IDLE_MAX_PARK_PROP_NAME = "engine.idle.max.park";
    /** Default for {@link #IDLE_MAX_PARK_PROP_NAME}, in nanoseconds. */
    public static final long IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Allow spin and noop strategies even when spinning threads outnumber the machine's cores. */
    public static final String ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME = "engine.idle.allow.oversubscribed.spin";
    /** Default for {@link #ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME}. */
    public static final boolean ALLOW_OVERSUBSCRIBED_SPIN_DEFAULT = false;

    /** Whether idle workers steal from busy siblings. */
    public static final String STEAL_ENABLED_PROP_NAME = "engine.steal.enabled";
    /** Default for {@link #STEAL_ENABLED_PROP_NAME}. */
    public static final boolean STEAL_ENABLED_DEFAULT = true;

    /** Share of its ring above which a worker sheds surplus into the steal queue, in (0, 1]. */
    public static final String STEAL_THRESHOLD_PROP_NAME = "engine.steal.threshold";
    /** Default for {@link #STEAL_THRESHOLD_PROP_NAME}. */
    public static final double STEAL_THRESHOLD_DEFAULT = 0.7;

    /** Most tasks moved by one shed. */
    public static final String STEAL_BATCH_PROP_NAME = "engine.steal.batch";
    /** Default for {@link #STEAL_BATCH_PROP_NAME}. */
    public static final int STEAL_BATCH_DEFAULT = 10;

    /** Polls of the steal queue an idle worker makes per round before it idles. */
    public static final String STEAL_ATTEMPTS_PROP_NAME = "engine.steal.attempts";
    /** Default for {@link #STEAL_ATTEMPTS_PROP_NAME}. */
    public static final int STEAL_ATTEMPTS_DEFAULT = 3;

    /** Capacity of each stage's steal queue: a power of two. */
    public static final String STEAL_QUEUE_CAPACITY_PROP_NAME = "engine.steal.queue.capacity";
    /** Default for {@link #STEAL_QUEUE_CAPACITY_PROP_NAME}. */
    public static final int STEAL_QUEUE_CAPACITY_DEFAULT = 1024;

    /** Slots in an ORDERED stage's reorder window: a power of two. */
    public static final String REORDER_WINDOW_PROP_NAME = "engine.reorder.window";
    /** Default for {@link #REORDER_WINDOW_PROP_NAME}. */
    public static final int REORDER_WINDOW_DEFAULT = 1024;

    /** Key stripes of a KEYED stage: a power of two. */
    public static final String KEY_STRIPES_PROP_NAME = "engine.key.stripes";
    /** Default for {@link #KEY_STRIPES_PROP_NAME}. */
    public static final int KEY_STRIPES_DEFAULT = 1024;

    /** Attempts per task in a stage before it fails, at least 1. */
    public static final String MAX_ATTEMPTS_PROP_NAME = "engine.retry.max.attempts";
    /** Default for {@link #MAX_ATTEMPTS_PROP_NAME}. */
    public static final int MAX_ATTEMPTS_DEFAULT = 1;

    /** How often weighted round-robin weights are recomputed. */
    public static final String BALANCER_PERIOD_PROP_NAME = "engine.balancer.period";
    /** Default for {@link #BALANCER_PERIOD_PROP_NAME}, in nanoseconds. */
    public static final long BALANCER_PERIOD_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Service-time percentile that weights are computed from, in (0, 100]. */
    public static final String BALANCER_PERCENTILE_PROP_NAME = "engine.balancer.percentile";
    /** Default for {@link #BALANCER_PERCENTILE_PROP_NAME}. */
    public static final double BALANCER_PERCENTILE_DEFAULT = 99.0;

    /** Print the effective configuration of each pipeline to standard error when it starts. */
    public static final String PRINT_CONFIGURATION_PROP_NAME = "engine.print.configuration";
    /** Default for {@link #PRINT_CONFIGURATION_PROP_NAME}. */
    public static final boolean PRINT_CONFIGURATION_DEFAULT = false;

    private EngineConfiguration()
    {
    }

    /**
     * Reads {@link #RING_SIZE_PROP_NAME}.
     *
     * @return the ring size.
     */
    public static int ringSize()
    {
        return intSize(RING_SIZE_PROP_NAME, RING_SIZE_DEFAULT);
    }

    /**
     * Reads {@link #WORKERS_PROP_NAME}.
     *
     * @return the worker count.
     */
    public static int workers()
    {
        return intValue(WORKERS_PROP_NAME, WORKERS_DEFAULT);
    }

    /**
     * Reads {@link #IDLE_STRATEGY_PROP_NAME}.
     *
     * @return the alias.
     */
    public static String idleStrategyAlias()
    {
        return System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@link #IDLE_MAX_PARK_PROP_NAME}.
     *
     * @return the period in nanoseconds.
     */
    public static long idleMaxParkNs()
    {
        return duration(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
    }

    /**
     * Reads {@link #ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME}.
     *
     * @return whether oversubscribed spinning is allowed.
     */
    public static boolean allowOversubscribedSpin()
    {
        return bool(ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME, ALLOW_OVERSUBSCRIBED_SPIN_DEFAULT);
    }

    /**
     * Reads {@link #STEAL_ENABLED_PROP_NAME}.
     *
     * @return whether stealing is on.
     */
    public static boolean stealEnabled()
    {
        return bool(STEAL_ENABLED_PROP_NAME, STEAL_ENABLED_DEFAULT);
    }

    /**
     * Reads {@link #STEAL_THRESHOLD_PROP_NAME}.
     *
     * @return the threshold.
     */
    public static double stealThreshold()
    {
        return doubleValue(STEAL_THRESHOLD_PROP_NAME, STEAL_THRESHOLD_DEFAULT);
    }

    /**
     * Reads {@link #STEAL_BATCH_PROP_NAME}.
     *
     * @return the batch.
     */
    public static int stealBatch()
    {
        return intValue(STEAL_BATCH_PROP_NAME, STEAL_BATCH_DEFAULT);
    }

    /**
     * Reads {@link #STEAL_ATTEMPTS_PROP_NAME}.
     *
     * @return the attempts.
     */
    public static int stealAttempts()
    {
        return intValue(STEAL_ATTEMPTS_PROP_NAME, STEAL_ATTEMPTS_DEFAULT);
    }

    /**
     * Reads {@link #STEAL_QUEUE_CAPACITY_PROP_NAME}.
     *
     * @return the capacity.
     */
    public static int stealQueueCapacity()
    {
        return intSize(STEAL_QUEUE_CAPACITY_PROP_NAME, STEAL_QUEUE_CAPACITY_DEFAULT);
    }

    /**
     * Reads {@link #REORDER_WINDOW_PROP_NAME}.
     *
     * @return the window.
     */
    public static int reorderWindow()
    {
        return intSize(REORDER_WINDOW_PROP_NAME, REORDER_WINDOW_DEFAULT);
    }

    /**
     * Reads {@link #KEY_STRIPES_PROP_NAME}.
     *
     * @return the stripes.
     */
    public static int keyStripes()
    {
        return intSize(KEY_STRIPES_PROP_NAME, KEY_STRIPES_DEFAULT);
    }

    /**
     * Reads {@link #MAX_ATTEMPTS_PROP_NAME}.
     *
     * @return the attempts.
     */
    public static int maxAttempts()
    {
        return intValue(MAX_ATTEMPTS_PROP_NAME, MAX_ATTEMPTS_DEFAULT);
    }

    /**
     * Reads {@link #BALANCER_PERIOD_PROP_NAME}.
     *
     * @return the period in nanoseconds.
     */
    public static long balancerPeriodNs()
    {
        return duration(BALANCER_PERIOD_PROP_NAME, BALANCER_PERIOD_DEFAULT_NS);
    }

    /**
     * Reads {@link #BALANCER_PERCENTILE_PROP_NAME}.
     *
     * @return the percentile.
     */
    public static double balancerPercentile()
    {
        return doubleValue(BALANCER_PERCENTILE_PROP_NAME, BALANCER_PERCENTILE_DEFAULT);
    }

    /**
     * Reads {@link #PRINT_CONFIGURATION_PROP_NAME}.
     *
     * @return whether to print.
     */
    public static boolean printConfiguration()
    {
        return bool(PRINT_CONFIGURATION_PROP_NAME, PRINT_CONFIGURATION_DEFAULT);
    }

    /**
     * Makes a fresh idle strategy from an alias.
     * <ul>
     *     <li>{@code backoff}: spin, then yield, then park from 1 us up to {@code maxParkNs}.
     *     Little CPU when idle; wakes within {@code maxParkNs}. The default.</li>
     *     <li>{@code yield}: {@link Thread#yield()} between polls. Low latency, a core's worth of
     *     CPU per idle thread unless others want it.</li>
     *     <li>{@code sleep}: park {@code maxParkNs} between polls. Least CPU, slowest wake.</li>
     *     <li>{@code spin}: busy-spin. Lowest latency; only with a spare core per spinning
     *     thread.</li>
     *     <li>{@code noop}: no pause at all; as {@code spin} without the spin-wait hint.</li>
     * </ul>
     *
     * @param alias     one of the aliases above.
     * @param maxParkNs longest park, for {@code backoff} and {@code sleep}.
     * @return a new strategy; strategies keep state, so each thread needs its own.
     * @throws IllegalArgumentException for an unknown alias.
     */
    public static IdleStrategy idleStrategy(final String alias, final long maxParkNs)
    {
        switch (alias)
        {
            case "backoff":
                return new BackoffIdleStrategy(64, 64, Math.min(1_000, maxParkNs), maxParkNs);
            case "yield":
                return new YieldingIdleStrategy();
            case "sleep":
                return new SleepingIdleStrategy(maxParkNs);
            case "spin":
                return new BusySpinIdleStrategy();
            case "noop":
                return new NoOpIdleStrategy();
            default:
                throw new IllegalArgumentException(
                    "unknown idle strategy '" + alias + "' (" + IDLE_STRATEGY_PROP_NAME +
                    "): use backoff, yield, sleep, spin or noop");
        }
    }

    static boolean isSpinning(final String alias)
    {
        return "spin".equals(alias) || "noop".equals(alias);
    }

    private static int intValue(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + ": cannot parse '" + value + "' as an integer", ex);
        }
    }

    private static int intSize(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        final long size;
        try
        {
            size = SystemUtil.parseSize(name, value.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(
                name + ": cannot parse '" + value + "' as a size (a whole number, optionally with k, m or g)", ex);
        }

        if (size > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + ": " + value + " is too large");
        }

        return (int)size;
    }

    private static double doubleValue(final String name, final double defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        try
        {
            return Double.parseDouble(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + ": cannot parse '" + value + "' as a number", ex);
        }
    }

    private static long duration(final String name, final long defaultNs)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultNs;
        }

        try
        {
            return SystemUtil.parseDuration(name, value.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(
                name + ": cannot parse '" + value + "' as a duration (a whole number, optionally with ns, us, ms or s)",
                ex);
        }
    }

    private static boolean bool(final String name, final boolean defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }

        final String trimmed = value.trim().toLowerCase(Locale.ROOT);
        if ("true".equals(trimmed))
        {
            return true;
        }

        if ("false".equals(trimmed))
        {
            return false;
        }

        throw new IllegalArgumentException(name + ": expected true or false, was '" + value + "'");
    }
}
