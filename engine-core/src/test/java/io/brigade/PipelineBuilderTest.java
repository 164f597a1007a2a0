package io.brigade;

import io.brigade.balance.Balance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every setting that cannot be honoured is rejected by build(), before any thread or ring exists,
 * with a message that names the stage (where there is one) and the setting; a bad {@code engine.*}
 * property is rejected with the property's name.
 */
class PipelineBuilderTest
{
    private static final Processor<Object> NOOP = (task) -> {};

    @ParameterizedTest
    @ValueSource(ints = {1000, 3, 1, 0, -2})
    void shouldRejectRingSizeWhenNotPowerOfTwoOfAtLeastTwo(final int ringSize)
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).ringSize(ringSize).and(),
            "stage 'parse'", "ringSize", EngineConfiguration.RING_SIZE_PROP_NAME,
            "was " + ringSize);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025})
    void shouldRejectWorkersWhenOutOfRange(final int workers)
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(workers).and(),
            "stage 'parse'", "workers", "was " + workers);
    }

    @Test
    void shouldRejectKeyedStageWhenItHasNoKeyFunction()
    {
        assertRejected(
            Pipeline.builder("p").stage("book", NOOP).order(StageOrder.KEYED).and(),
            "stage 'book'", "KEYED", "key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "LEAST_LOADED"})
    void shouldRejectKeyedStageWhenBalanceIsNotByKey(final String balance)
    {
        assertRejected(
            Pipeline.builder("p").stage("book", NOOP).order(StageOrder.KEYED).key((t) -> 1L)
                .balance(Balance.valueOf(balance)).and(),
            "stage 'book'", "KEYED", balance);
    }

    @Test
    void shouldRejectKeyedStageWhenBalancerIsCustom()
    {
        assertRejected(
            Pipeline.builder("p").stage("book", NOOP).order(StageOrder.KEYED).key((t) -> 1L)
                .balancer(() -> (key, load) -> 0).and(),
            "stage 'book'", "KEYED", "custom balancer");
    }

    @Test
    void shouldRejectKeyAffinityWhenThereIsNoKeyFunction()
    {
        assertRejected(
            Pipeline.builder("p").stage("route", NOOP).balance(Balance.KEY_AFFINITY).and(),
            "stage 'route'", "KEY_AFFINITY", "key");
    }

    @Test
    void shouldRejectOrderedStageWhenMaxInFlightExceedsReorderWindow()
    {
        assertRejected(
            Pipeline.builder("p").stage("seq", NOOP).order(StageOrder.ORDERED).reorderWindow(64)
                .maxInFlight(65).and(),
            "stage 'seq'", "maxInFlight", "65", "reorder window 64");
    }

    @Test
    void shouldRejectMaxInFlightWhenStageIsNotOrdered()
    {
        assertRejected(
            Pipeline.builder("p").stage("free", NOOP).maxInFlight(8).and(),
            "stage 'free'", "maxInFlight", "ORDERED", "UNORDERED");
        assertRejected(
            Pipeline.builder("p").stage("book", NOOP).order(StageOrder.KEYED).key((t) -> 1L)
                .maxInFlight(8).and(),
            "stage 'book'", "maxInFlight", "KEYED");
    }

    @Test
    void shouldAcceptOrderedStageWhenMaxInFlightEqualsReorderWindow()
    {
        assertThatCode(() -> Pipeline.builder("p").stage("seq", NOOP).order(StageOrder.ORDERED)
            .reorderWindow(64).maxInFlight(64).and().build()).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 0, -8})
    void shouldRejectReorderWindowWhenNotPowerOfTwo(final int window)
    {
        assertRejected(
            Pipeline.builder("p").stage("seq", NOOP).order(StageOrder.ORDERED)
                .reorderWindow(window).and(),
            "stage 'seq'", "reorderWindow", EngineConfiguration.REORDER_WINDOW_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 0})
    void shouldRejectKeyStripesWhenNotPowerOfTwo(final int stripes)
    {
        assertRejected(
            Pipeline.builder("p").stage("book", NOOP).order(StageOrder.KEYED).key((t) -> 1L)
                .keyStripes(stripes).and(),
            "stage 'book'", "keyStripes", EngineConfiguration.KEY_STRIPES_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.5, -0.1, Double.NaN})
    void shouldRejectStealThresholdWhenOutsideZeroToOne(final double threshold)
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(2).stealThreshold(threshold).and(),
            "stage 'parse'", "stealThreshold", EngineConfiguration.STEAL_THRESHOLD_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 2048})
    void shouldRejectStealBatchWhenOutsideOneToQueueCapacity(final int batch)
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(2).stealQueueCapacity(1024)
                .stealBatch(batch).and(),
            "stage 'parse'", "stealBatch", EngineConfiguration.STEAL_BATCH_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 0, 1})
    void shouldRejectStealQueueCapacityWhenItCannotHoldABatch(final int capacity)
    {
        // 1 is a power of two and passes a plain power-of-two check, but no MPMC array queue can
        // be that small: it must be rejected here, with the stage and setting, not deep inside
        // the queue's constructor.
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(2).stealQueueCapacity(capacity)
                .stealBatch(1).and(),
            "stage 'parse'", "stealQueueCapacity");
    }

    @Test
    void shouldRejectStealAttemptsWhenZero()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(2).stealAttempts(0).and(),
            "stage 'parse'", "stealAttempts", EngineConfiguration.STEAL_ATTEMPTS_PROP_NAME);
    }

    @Test
    void shouldRejectMaxAttemptsWhenZero()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).maxAttempts(0).and(),
            "stage 'parse'", "maxAttempts", EngineConfiguration.MAX_ATTEMPTS_PROP_NAME);
    }

    @Test
    void shouldRejectNegativeMaxInFlight()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).maxInFlight(-1).and(),
            "stage 'parse'", "maxInFlight");
    }

    @Test
    void shouldRejectNullOrder()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).order(null).and(),
            "stage 'parse'", "order");
    }

    @Test
    void shouldRejectDuplicateStageNames()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).and().stage("parse", NOOP).and(),
            "pipeline 'p'", "'parse'", "twice");
    }

    @Test
    void shouldRejectBlankStageName()
    {
        assertRejected(Pipeline.builder("p").stage(" ", NOOP).and(), "pipeline 'p'", "stage names");
    }

    @Test
    void shouldRejectPipelineWhenItHasNoStages()
    {
        assertRejected(Pipeline.builder("empty"), "pipeline 'empty'", "at least one stage");
    }

    @Test
    void shouldRejectBlankPipelineName()
    {
        assertRejected(Pipeline.builder(" ").stage("parse", NOOP).and(), "pipeline name");
    }

    @Test
    void shouldRejectUnknownIdleStrategyAlias()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).and().idleStrategy("bogus"),
            "'bogus'", "idle strategy", EngineConfiguration.IDLE_STRATEGY_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spin", "noop"})
    void shouldRejectSpinningStrategyWhenThreadsOutnumberCores(final String alias)
    {
        final int cores = Runtime.getRuntime().availableProcessors();
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).workers(cores + 1).and().idleStrategy(alias),
            "pipeline 'p'", "'" + alias + "'", (cores + 1) + " worker threads", cores + " cores",
            EngineConfiguration.ALLOW_OVERSUBSCRIBED_SPIN_PROP_NAME);
    }

    @Test
    void shouldAcceptSpinningStrategyWhenOversubscriptionIsAllowed()
    {
        final int cores = Runtime.getRuntime().availableProcessors();
        assertThatCode(() -> Pipeline.builder("p").stage("parse", NOOP).workers(cores + 1).and()
            .idleStrategy("spin").allowOversubscribedSpin(true).build()).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectIdleMaxParkWhenBelowOneNanosecond()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).and().idleMaxParkNs(0),
            "pipeline 'p'", "idleMaxParkNs", EngineConfiguration.IDLE_MAX_PARK_PROP_NAME);
    }

    @Test
    void shouldRejectBalancerPeriodWhenBelowOneMillisecond()
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).and().balancerPeriodNs(999_999),
            "pipeline 'p'", "balancerPeriodNs", EngineConfiguration.BALANCER_PERIOD_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 100.5, Double.NaN})
    void shouldRejectBalancerPercentileWhenOutOfRange(final double percentile)
    {
        assertRejected(
            Pipeline.builder("p").stage("parse", NOOP).and().balancerPercentile(percentile),
            "pipeline 'p'", "balancerPercentile",
            EngineConfiguration.BALANCER_PERCENTILE_PROP_NAME);
    }

    @Test
    void shouldRejectBuilderWhenReused()
    {
        final PipelineBuilder<Object> builder = Pipeline.builder("p").stage("parse", NOOP).and();
        final Pipeline<Object> first = builder.build();

        assertThatThrownBy(builder::build)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContainingAll("pipeline 'p'", "already built");
        first.close();
    }

    @Test
    void shouldBuildAgainWhenFirstBuildWasRejected()
    {
        final StageBuilder<Object> stage = Pipeline.builder("p").stage("parse", NOOP).ringSize(3);
        assertThatThrownBy(() -> stage.and().build()).isInstanceOf(IllegalArgumentException.class);

        final Pipeline<Object> pipeline = stage.ringSize(4).and().build();

        assertThat(pipeline.stageNames()).containsExactly("parse");
        pipeline.close();
    }

    @Test
    void shouldNameStageWhenProcessorFactoryReturnsNull()
    {
        final PipelineBuilder<Object> builder =
            Pipeline.builder("p").stagePerWorker("parse", (w) -> null).and();

        assertThatThrownBy(builder::build).hasMessageContaining("stage 'parse'");
    }

    /**
     * Each case sets one {@code engine.*} property, builds a pipeline that leaves that setting at
     * its default in at least one stage of each order, and expects the failure to name the
     * property. Parse errors surface when the builders read the properties; range errors at
     * build().
     */
    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource(delimiter = '|', value = {
        "engine.ring.size              | 1000",
        "engine.ring.size              | 12x3",
        "engine.ring.size              | abc",
        "engine.ring.size              | -4",
        "engine.ring.size              | ''",
        "engine.ring.size              | 5000000000",
        "engine.workers                | two",
        "engine.workers                | 0",
        "engine.idle.strategy          | bogus",
        "engine.idle.max.park          | 12x3",
        "engine.idle.max.park          | abc",
        "engine.idle.max.park          | 0",
        "engine.idle.allow.oversubscribed.spin | 1",
        "engine.steal.enabled          | maybe",
        "engine.steal.threshold        | x",
        "engine.steal.threshold        | 2",
        "engine.steal.batch            | 0",
        "engine.steal.attempts         | 0",
        "engine.steal.queue.capacity   | 3",
        "engine.reorder.window         | 3",
        "engine.key.stripes            | 3",
        "engine.retry.max.attempts     | 0",
        "engine.retry.max.attempts     | once",
        "engine.balancer.period        | 10us",
        "engine.balancer.percentile    | 0",
        "engine.balancer.percentile    | high",
        "engine.print.configuration    | yes"})
    void shouldNamePropertyWhenEngineSystemPropertyIsBad(final String property, final String value)
    {
        final String previous = System.getProperty(property);
        System.setProperty(property, value);
        try
        {
            assertThatThrownBy(PipelineBuilderTest::buildWithPropertyDefaults)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(property);
        }
        finally
        {
            if (null == previous)
            {
                System.clearProperty(property);
            }
            else
            {
                System.setProperty(property, previous);
            }
        }
    }

    @Test
    void shouldUsePropertyAsDefaultAndLetBuilderOverrideIt()
    {
        System.setProperty(EngineConfiguration.RING_SIZE_PROP_NAME, "16");
        try
        {
            final Pipeline<Object> pipeline = Pipeline.builder("p")
                .stage("fromProperty", NOOP).and()
                .stage("fromBuilder", NOOP).ringSize(8).and()
                .build();

            final Stage[] stages = TestSupport.stages(pipeline);
            assertThat(stages[0].ringSize()).isEqualTo(16);
            assertThat(stages[1].ringSize()).isEqualTo(8);
            pipeline.close();
        }
        finally
        {
            System.clearProperty(EngineConfiguration.RING_SIZE_PROP_NAME);
        }
    }

    private static void buildWithPropertyDefaults()
    {
        // The UNORDERED stage sets workers explicitly so that steal settings matter (stealing
        // needs two workers); the other stages keep every default, workers included.
        Pipeline.builder("props")
            .stage("plain", NOOP).workers(2).and()
            .stage("ordered", NOOP).order(StageOrder.ORDERED).and()
            .stage("keyed", NOOP).order(StageOrder.KEYED).key((t) -> 1L).and()
            .build()
            .close();
    }

    private static void assertRejected(final PipelineBuilder<?> builder, final String... fragments)
    {
        assertThatThrownBy(builder::build)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContainingAll(fragments);
    }
}
