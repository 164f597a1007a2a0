package io.brigade;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Describes a pipeline: its stages in order, its handlers and its runtime settings. Every setting
 * starts from {@link EngineConfiguration}; {@link #build()} checks them all at once and fails with
 * a message naming the stage and setting at fault. A builder builds one pipeline only.
 * <pre>{@code
 * Pipeline<Order> pipeline = Pipeline.<Order>builder("orders")
 *     .stagePerWorker("parse", (w) -> new Parser()).workers(4).order(StageOrder.ORDERED).and()
 *     .stage("book", book).order(StageOrder.KEYED).key((o) -> o.symbolId).and()
 *     .onComplete((order, id) -> publisher.send(order))
 *     .onError((order, id, stage, worker, cause, attempts) -> log.record(order, stage, cause))
 *     .build();
 * pipeline.start();
 * }</pre>
 *
 * @param <T> type of the task.
 */
public final class PipelineBuilder<T>
{
    final String name;
    final List<StageBuilder<T>> stages = new ArrayList<>();
    CompletionHandler<? super T> completionHandler;
    TaskErrorHandler<? super T> errorHandler;
    String idleStrategy = EngineConfiguration.idleStrategyAlias();
    long idleMaxParkNs = EngineConfiguration.idleMaxParkNs();
    boolean allowOversubscribedSpin = EngineConfiguration.allowOversubscribedSpin();
    long balancerPeriodNs = EngineConfiguration.balancerPeriodNs();
    double balancerPercentile = EngineConfiguration.balancerPercentile();
    boolean printConfiguration = EngineConfiguration.printConfiguration();
    private boolean built;

    PipelineBuilder(final String name)
    {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Adds a stage whose processor is shared by all its workers, so it must be thread-safe.
     *
     * @param stageName unique within the pipeline; names the stage's threads.
     * @param processor the stage's work.
     * @return the new stage's builder.
     */
    public StageBuilder<T> stage(final String stageName, final Processor<? super T> processor)
    {
        Objects.requireNonNull(processor, "processor");
        return stagePerWorker(stageName, (worker) -> processor);
    }

    /**
     * Adds a stage with one processor per worker, made by {@code processors} with the worker's
     * index when the pipeline is built.
     *
     * @param stageName  unique within the pipeline; names the stage's threads.
     * @param processors makes the processor for each worker.
     * @return the new stage's builder.
     */
    public StageBuilder<T> stagePerWorker(
        final String stageName,
        final IntFunction<? extends Processor<? super T>> processors)
    {
        Objects.requireNonNull(stageName, "stageName");
        Objects.requireNonNull(processors, "processors");
        final StageBuilder<T> stage = new StageBuilder<>(this, stageName, processors);
        stages.add(stage);

        return stage;
    }

    /**
     * Sets what receives each task that passes every stage. Default: nothing.
     *
     * @param completionHandler the handler.
     * @return this.
     */
    public PipelineBuilder<T> onComplete(final CompletionHandler<? super T> completionHandler)
    {
        this.completionHandler = completionHandler;
        return this;
    }

    /**
     * Sets the error channel. Default: each distinct failure is kept once, with a count, in the
     * pipeline's error log ({@link Pipeline#readErrorLog}).
     *
     * @param errorHandler the handler.
     * @return this.
     */
    public PipelineBuilder<T> onError(final TaskErrorHandler<? super T> errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * Chooses the workers' idle strategy by alias; see {@link EngineConfiguration#idleStrategy}.
     *
     * @param alias backoff, yield, sleep, spin or noop.
     * @return this.
     */
    public PipelineBuilder<T> idleStrategy(final String alias)
    {
        this.idleStrategy = alias;
        return this;
    }

    /**
     * Sets the longest park of the backoff strategy, the period of the sleeping one.
     *
     * @param idleMaxParkNs in nanoseconds, at least 1.
     * @return this.
     */
    public PipelineBuilder<T> idleMaxParkNs(final long idleMaxParkNs)
    {
        this.idleMaxParkNs = idleMaxParkNs;
        return this;
    }

    /**
     * Allows spinning idle strategies with more worker threads than the machine has cores. They
     * starve each other; only for experiments.
     *
     * @param allow whether to allow it.
     * @return this.
     */
    public PipelineBuilder<T> allowOversubscribedSpin(final boolean allow)
    {
        this.allowOversubscribedSpin = allow;
        return this;
    }

    /**
     * Sets how often weighted round-robin weights are recomputed.
     *
     * @param balancerPeriodNs in nanoseconds, at least one millisecond.
     * @return this.
     */
    public PipelineBuilder<T> balancerPeriodNs(final long balancerPeriodNs)
    {
        this.balancerPeriodNs = balancerPeriodNs;
        return this;
    }

    /**
     * Sets the service-time percentile weights are computed from.
     *
     * @param balancerPercentile in (0, 100].
     * @return this.
     */
    public PipelineBuilder<T> balancerPercentile(final double balancerPercentile)
    {
        this.balancerPercentile = balancerPercentile;
        return this;
    }

    /**
     * Prints the effective configuration to standard error on start.
     *
     * @param print whether to print.
     * @return this.
     */
    public PipelineBuilder<T> printConfiguration(final boolean print)
    {
        this.printConfiguration = print;
        return this;
    }

    /**
     * Checks every setting and builds the pipeline, with its rings and threads allocated but not
     * started.
     *
     * @return the pipeline.
     * @throws IllegalArgumentException naming the first setting that cannot be honoured.
     * @throws IllegalStateException    when this builder was used already.
     */
    public Pipeline<T> build()
    {
        if (built)
        {
            throw new IllegalStateException("pipeline '" + name + "': this builder has already built a pipeline");
        }

        validate();
        final Pipeline<T> pipeline = new Pipeline<>(this);
        built = true;

        return pipeline;
    }

    private void validate()
    {
        final String where = "pipeline '" + name + "': ";
        StageBuilder.require(!name.isBlank(), "pipeline name must not be blank");
        StageBuilder.require(!stages.isEmpty(), where + "needs at least one stage");

        final Set<String> names = new HashSet<>();
        int threads = 0;
        for (final StageBuilder<T> stage : stages)
        {
            StageBuilder.require(!stage.name.isBlank(), where + "stage names must not be blank");
            StageBuilder.require(names.add(stage.name), where + "stage name '" + stage.name + "' is used twice");
            stage.validate();
            threads += stage.workers;
        }

        StageBuilder.require(idleMaxParkNs >= 1,
            where + "idleMaxParkNs must be >= 1 (" + EngineConfiguration.IDLE_MAX_PARK_PROP_NAME + "), was " +
            idleMaxParkNs);
        EngineConfiguration.idleStrategy(idleStrategy, idleMaxParkNs);

        final int cores = Runtime.getRuntime().availableProcessors();
        StageBuilder.require(
            !EngineConfiguration.isSpinning(idleStrategy) || threads <= cores || allowOversubscribedSpin,
            where + "idle strategy '" + idleStrategy + "' spins " + threads + " worker threads on " + cores +
            " cores; they would starve each other. Use backoff or yield, or set " +
            EngineConfiguration.ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME + "=true");
        StageBuilder.require(balancerPeriodNs >= 1_000_000L,
            where + "balancerPeriodNs must be >= 1 ms (" + EngineConfiguration.BALANCER_PERIOD_PROP_NAME +
            "), was " + balancerPeriodNs + " ns");
        StageBuilder.require(balancerPercentile > 0 && balancerPercentile <= 100,
            where + "balancerPercentile must be in (0, 100] (" + EngineConfiguration.BALANCER_PERCENTILE_PROP_NAME +
            "), was " + balancerPercentile);
    }
}
