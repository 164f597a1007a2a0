package io.brigade.balance;

import org.agrona.collections.Hashing;

import java.util.function.Supplier;

/**
 * The built-in dispatch strategies.
 */
public enum Balance
{
    /**
     * Each worker in turn. Cheapest; blind to slow workers (stealing covers for them).
     */
    ROUND_ROBIN(RoundRobin::new),

    /**
     * Each worker in proportion to a weight recomputed off the hot path from its recent
     * service-time percentile and its backlog (see {@link Weights}). The hot path reads a
     * precomputed schedule.
     */
    WEIGHTED_ROUND_ROBIN(WeightedRoundRobin::new),

    /**
     * The worker with the shortest backlog at the moment of dispatch; ties go to the next worker
     * in rotation. Reads every worker's ring cursor on each dispatch.
     */
    LEAST_LOADED(LeastLoaded::new),

    /**
     * The same key always goes to the same worker. Required by KEYED stages; also usable to pin
     * work in UNORDERED stages.
     */
    KEY_AFFINITY(KeyAffinity::new);

    private final Supplier<Balancer> factory;

    Balance(final Supplier<Balancer> factory)
    {
        this.factory = factory;
    }

    /**
     * Creates a new, independent instance of this strategy.
     *
     * @return a balancer.
     */
    public Balancer newBalancer()
    {
        return factory.get();
    }

    /**
     * The worker a key maps to under {@link #KEY_AFFINITY}.
     *
     * @param key     the task's key.
     * @param workers the stage's worker count.
     * @return the worker index.
     */
    public static int workerForKey(final long key, final int workers)
    {
        return Math.floorMod(Hashing.hash(key), workers);
    }

    // The rotating counters below are plain fields on purpose: an instance normally has a single
    // producer, and where external submitters share one, a lost increment only repeats a worker.

    static final class RoundRobin implements Balancer
    {
        private long next;

        public int select(final long key, final LoadView load)
        {
            return (int)((next++ & Long.MAX_VALUE) % load.workers());
        }
    }

    static final class WeightedRoundRobin implements Balancer
    {
        private int next;

        public int select(final long key, final LoadView load)
        {
            final int[] schedule = load.schedule();

            return schedule[next++ & (schedule.length - 1)];
        }
    }

    static final class LeastLoaded implements Balancer
    {
        private int start;

        public int select(final long key, final LoadView load)
        {
            final int workers = load.workers();
            final int first = Math.floorMod(start++, workers);
            int best = first;
            long bestBacklog = load.backlog(first);
            for (int i = 1; i < workers && bestBacklog > 0; i++)
            {
                final int candidate = (first + i) % workers;
                final long backlog = load.backlog(candidate);
                if (backlog < bestBacklog)
                {
                    best = candidate;
                    bestBacklog = backlog;
                }
            }

            return best;
        }
    }

    static final class KeyAffinity implements Balancer
    {
        public int select(final long key, final LoadView load)
        {
            return workerForKey(key, load.workers());
        }
    }
}
