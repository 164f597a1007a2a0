package io.brigade;

import io.brigade.balance.Balance;
import io.brigade.balance.Balancer;

import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Settings of one stage, started from {@link EngineConfiguration} and checked when the pipeline is
 * built. Setters return {@code this}; {@link #and()} goes back to the pipeline builder.
 *
 * @param <T> type of the task.
 */
public final class StageBuilder<T>
{
    private final PipelineBuilder<T> pipeline;
    final String name;
    final IntFunction<? extends Processor<? super T>> processors;

    int workers = EngineConfiguration.workers();
    int ringSize = EngineConfiguration.ringSize();
    StageOrder order = StageOrder.UNORDERED;
    ToLongFunction<? super T> keyFunction;
    Balance balance;
    Supplier<Balancer> balancerFactory;
    int reorderWindow = EngineConfiguration.reorderWindow();
    int maxInFlight;
    boolean maxInFlightSet;
    int keyStripes = EngineConfiguration.keyStripes();
    int maxAttempts = EngineConfiguration.maxAttempts();
    boolean stealing = EngineConfiguration.stealEnabled();
    double stealThreshold = EngineConfiguration.stealThreshold();
    int stealBatch = EngineConfiguration.stealBatch();
    int stealAttempts = EngineConfiguration.stealAttempts();
    int stealQueueCapacity = EngineConfiguration.stealQueueCapacity();

    StageBuilder(
        final PipelineBuilder<T> pipeline,
        final String name,
        final IntFunction<? extends Processor<? super T>> processors)
    {
        this.pipeline = pipeline;
        this.name = name;
        this.processors = processors;
    }

    /**
     * Sets the number of workers, each a thread with its own ring.
     *
     * @param workers at least 1.
     * @return this.
     */
    public StageBuilder<T> workers(final int workers)
    {
        this.workers = workers;
        return this;
    }

    /**
     * Sets the slots in each worker's ring.
     *
     * @param ringSize a power of two, at least 2.
     * @return this.
     * @see EngineConfiguration#RING_SIZE_PROP_NAME
     */
    public StageBuilder<T> ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    /**
     * Sets the order the stage promises.
     *
     * @param order UNORDERED (the default), ORDERED or KEYED.
     * @return this.
     */
    public StageBuilder<T> order(final StageOrder order)
    {
        this.order = order;
        return this;
    }

    /**
     * Sets how to read a task's key, for KEYED stages and key-affinity dispatch. Called once per
     * task on entry to the stage, on the thread handing the task in; what it throws fails the task
     * in this stage.
     *
     * @param keyFunction pure function of the task.
     * @return this.
     */
    public StageBuilder<T> key(final ToLongFunction<? super T> keyFunction)
    {
        this.keyFunction = keyFunction;
        return this;
    }

    /**
     * Chooses a built-in dispatch strategy. Default: round-robin, or key-affinity for KEYED stages.
     *
     * @param balance the strategy.
     * @return this.
     */
    public StageBuilder<T> balance(final Balance balance)
    {
        this.balance = Objects.requireNonNull(balance, "balance");
        this.balancerFactory = null;
        return this;
    }

    /**
     * Plugs in a custom dispatch strategy; the factory is called once per producer of the stage.
     * Not allowed on KEYED stages, whose dispatch must be by key.
     *
     * @param balancerFactory makes balancers.
     * @return this.
     */
    public StageBuilder<T> balancer(final Supplier<Balancer> balancerFactory)
    {
        this.balancerFactory = Objects.requireNonNull(balancerFactory, "balancerFactory");
        this.balance = null;
        return this;
    }

    /**
     * Sets the reorder window of an ORDERED stage: the most tasks in the stage at once.
     *
     * @param reorderWindow a power of two.
     * @return this.
     * @see EngineConfiguration#REORDER_WINDOW_PROP_NAME
     */
    public StageBuilder<T> reorderWindow(final int reorderWindow)
    {
        this.reorderWindow = reorderWindow;
        return this;
    }

    /**
     * Limits an ORDERED stage to this many tasks at once, from entry until they are handed on;
     * entry waits while the stage is at its limit. Unset, the limit is the reorder window. A limit
     * above the window cannot be honoured (the window could not put that many back in order) and
     * is rejected, as is a limit on a stage that is not ORDERED, whose rings bound it instead.
     *
     * @param maxInFlight at least 1, at most the reorder window.
     * @return this.
     */
    public StageBuilder<T> maxInFlight(final int maxInFlight)
    {
        this.maxInFlight = maxInFlight;
        this.maxInFlightSet = true;
        return this;
    }

    /**
     * Sets the key stripes of a KEYED stage. Keys sharing a stripe run one at a time together.
     *
     * @param keyStripes a power of two.
     * @return this.
     * @see EngineConfiguration#KEY_STRIPES_PROP_NAME
     */
    public StageBuilder<T> keyStripes(final int keyStripes)
    {
        this.keyStripes = keyStripes;
        return this;
    }

    /**
     * Sets how many times a task is attempted before it fails. Retries run at once on the same
     * worker, so they keep the stage's order.
     *
     * @param maxAttempts at least 1.
     * @return this.
     * @see EngineConfiguration#MAX_ATTEMPTS_PROP_NAME
     */
    public StageBuilder<T> maxAttempts(final int maxAttempts)
    {
        this.maxAttempts = maxAttempts;
        return this;
    }

    /**
     * Turns work stealing on or off. Off means static assignment: each task runs on the worker its
     * dispatch put it on. Note that round-robin, weighted round-robin and least-loaded dispatch put
     * a task on the next worker with room when the chosen worker's ring is full; key affinity and
     * custom balancers wait for the chosen ring.
     *
     * @param stealing whether idle workers take work from busy siblings.
     * @return this.
     */
    public StageBuilder<T> stealing(final boolean stealing)
    {
        this.stealing = stealing;
        return this;
    }

    /**
     * Sets the share of its ring above which a worker sheds surplus.
     *
     * @param stealThreshold in (0, 1].
     * @return this.
     */
    public StageBuilder<T> stealThreshold(final double stealThreshold)
    {
        this.stealThreshold = stealThreshold;
        return this;
    }

    /**
     * Sets the most tasks moved by one shed.
     *
     * @param stealBatch at least 1, at most the steal queue capacity.
     * @return this.
     */
    public StageBuilder<T> stealBatch(final int stealBatch)
    {
        this.stealBatch = stealBatch;
        return this;
    }

    /**
     * Sets the polls of the steal queue an idle worker makes per round.
     *
     * @param stealAttempts at least 1.
     * @return this.
     */
    public StageBuilder<T> stealAttempts(final int stealAttempts)
    {
        this.stealAttempts = stealAttempts;
        return this;
    }

    /**
     * Sets the capacity of the stage's steal queue.
     *
     * @param stealQueueCapacity a power of two, at least 2.
     * @return this.
     */
    public StageBuilder<T> stealQueueCapacity(final int stealQueueCapacity)
    {
        this.stealQueueCapacity = stealQueueCapacity;
        return this;
    }

    /**
     * Returns to the pipeline builder, to add another stage or finish.
     *
     * @return the pipeline builder.
     */
    public PipelineBuilder<T> and()
    {
        return pipeline;
    }

    Balance effectiveBalance()
    {
        if (null != balance)
        {
            return balance;
        }

        return StageOrder.KEYED == order ? Balance.KEY_AFFINITY : Balance.ROUND_ROBIN;
    }

    void validate()
    {
        final String where = "stage '" + name + "': ";
        require(workers >= 1 && workers <= 1024,
            where + "workers must be in [1, 1024] (" + EngineConfiguration.WORKERS_PROP_NAME + "), was " + workers);
        require(isPowerOfTwo(ringSize) && ringSize >= 2,
            where + "ringSize must be a power of two >= 2 (" + EngineConfiguration.RING_SIZE_PROP_NAME +
            "), was " + ringSize);
        require(null != order, where + "order must not be null");
        require(maxAttempts >= 1,
            where + "maxAttempts must be >= 1 (" + EngineConfiguration.MAX_ATTEMPTS_PROP_NAME + "), was " +
            maxAttempts);
        require(!maxInFlightSet || maxInFlight >= 1, where + "maxInFlight must be >= 1, was " + maxInFlight);
        require(!maxInFlightSet || StageOrder.ORDERED == order,
            where + "maxInFlight applies to ORDERED stages, whose reorder window enforces it; a " + order +
            " stage is bounded by its rings (workers x ringSize)");

        if (StageOrder.ORDERED == order)
        {
            require(isPowerOfTwo(reorderWindow),
                where + "reorderWindow must be a power of two (" + EngineConfiguration.REORDER_WINDOW_PROP_NAME +
                "), was " + reorderWindow);
            require(maxInFlight <= reorderWindow,
                where + "maxInFlight " + maxInFlight + " exceeds the reorder window " + reorderWindow +
                ": an ORDERED stage cannot have more tasks in flight than its window can put back in order");
        }

        if (StageOrder.KEYED == order)
        {
            require(null != keyFunction, where + "a KEYED stage needs a key function: call key(...)");
            require(null == balancerFactory && Balance.KEY_AFFINITY == effectiveBalance(),
                where + "a KEYED stage dispatches by key; " +
                (null != balancerFactory ? "a custom balancer" : effectiveBalance().name()) +
                " would split a key across workers");
            require(isPowerOfTwo(keyStripes),
                where + "keyStripes must be a power of two (" + EngineConfiguration.KEY_STRIPES_PROP_NAME +
                "), was " + keyStripes);
        }

        if (Balance.KEY_AFFINITY == balance && null == balancerFactory)
        {
            require(null != keyFunction, where + "KEY_AFFINITY dispatch needs a key function: call key(...)");
        }

        if (stealing)
        {
            require(stealThreshold > 0 && stealThreshold <= 1,
                where + "stealThreshold must be in (0, 1] (" + EngineConfiguration.STEAL_THRESHOLD_PROP_NAME +
                "), was " + stealThreshold);
            require(isPowerOfTwo(stealQueueCapacity) && stealQueueCapacity >= 2,
                where + "stealQueueCapacity must be a power of two >= 2 (" +
                EngineConfiguration.STEAL_QUEUE_CAPACITY_PROP_NAME + "), was " + stealQueueCapacity);
            require(stealBatch >= 1 && stealBatch <= stealQueueCapacity,
                where + "stealBatch must be in [1, stealQueueCapacity=" + stealQueueCapacity + "] (" +
                EngineConfiguration.STEAL_BATCH_PROP_NAME + "), was " + stealBatch);
            require(stealAttempts >= 1,
                where + "stealAttempts must be >= 1 (" + EngineConfiguration.STEAL_ATTEMPTS_PROP_NAME +
                "), was " + stealAttempts);
        }
    }

    static boolean isPowerOfTwo(final int value)
    {
        return value > 0 && (value & (value - 1)) == 0;
    }

    static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
