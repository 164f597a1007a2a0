package io.brigade;

import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;
import io.brigade.metrics.WorkerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a processor, a key function or a handler throws stays with its task: the task is reported
 * once, with stage, worker, cause and attempts, and every other task keeps flowing.
 */
class ErrorChannelTest
{
    private static final int TASKS = 400;

    static final class Job
    {
        final int index;
        final AtomicInteger attempts = new AtomicInteger();
        volatile String middleThread;
        volatile long middleOrder;

        Job(final int index)
        {
            this.index = index;
        }

        public String toString()
        {
            return "Job" + index;
        }
    }

    record Failure(Job job, long id, String stage, int worker, Throwable cause, int attempts)
    {
    }

    static final class Outcomes
    {
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final Map<Integer, Long> completedIds = new ConcurrentHashMap<>();
        final Queue<Failure> failures = new ConcurrentLinkedQueue<>();

        void onComplete(final Job job, final long id)
        {
            completed.add(job.index);
            completedIds.put(job.index, id);
        }

        void onError(
            final Job job,
            final long id,
            final String stage,
            final int worker,
            final Throwable cause,
            final int attempts)
        {
            failures.add(new Failure(job, id, stage, worker, cause, attempts));
        }
    }

    @ParameterizedTest
    @EnumSource(StageOrder.class)
    @Timeout(60)
    void shouldReportTaskStageWorkerCauseAndAttemptsWhenMiddleStageThrows(
        final StageOrder middleOrder)
    {
        final Outcomes outcomes = new Outcomes();
        final AtomicLong order = new AtomicLong();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-" + middleOrder)
            .stage("first", (Job job) -> {}).and()
            .stage("middle", (Job job) -> failSome(job, order)).workers(2).order(middleOrder)
            .key((job) -> job.index % 8).stealing(false).and()
            .stage("last", (Job job) -> {}).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();

        final Map<Integer, Long> ids = new HashMap<>();
        final Job[] jobs = new Job[TASKS];
        for (int i = 0; i < TASKS; i++)
        {
            jobs[i] = new Job(i);
            final long id = pipeline.submit(jobs[i]);
            assertThat(id).isGreaterThanOrEqualTo(0);
            ids.put(i, id);
        }
        pipeline.close();

        int expectedFailures = 0;
        for (int i = 0; i < TASKS; i++)
        {
            expectedFailures += null == expectedCause(i) ? 0 : 1;
        }
        assertThat(outcomes.failures).hasSize(expectedFailures);
        for (final Failure failure : outcomes.failures)
        {
            final Job job = failure.job();
            assertThat(failure.id()).as("id of %s", job).isEqualTo(ids.get(job.index));
            assertThat(failure.stage()).as("stage of %s", job).isEqualTo("middle");
            assertThat(failure.worker()).as("worker of %s", job)
                .isEqualTo(workerOf(job.middleThread));
            assertThat(failure.cause()).as("cause of %s", job)
                .isInstanceOf(expectedCause(job.index));
            assertThat(failure.attempts()).as("attempts of %s", job).isEqualTo(1);
            assertThat(outcomes.completed).as("failed and completed").doesNotContain(job.index);
        }
        assertThat(outcomes.completed).hasSize(TASKS - expectedFailures);
        outcomes.completedIds.forEach((index, id) -> assertThat(id).isEqualTo(ids.get(index)));

        // A worker that threw went on to run later tasks: one first-stage worker hands tasks on
        // in index order, the middle stage does not steal and the last 20 tasks never fail, so
        // each middle worker's last task comes after its failures.
        final Map<Integer, Long> lastFailureOrder = new HashMap<>();
        for (final Failure failure : outcomes.failures)
        {
            lastFailureOrder.merge(failure.worker(), failure.job().middleOrder, Math::max);
        }
        assertThat(lastFailureOrder).isNotEmpty();
        lastFailureOrder.forEach((worker, failureOrder) -> assertThat(outcomes.completed)
            .as("worker %d ran a task that completed after its last failure", worker)
            .anyMatch((index) -> workerOf(jobs[index].middleThread) == worker &&
                jobs[index].middleOrder > failureOrder));

        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.completed()).isEqualTo(TASKS - expectedFailures);
        assertThat(metrics.failed()).isEqualTo(expectedFailures);
        assertThat(metrics.inFlight()).isZero();
        final StageMetrics middle = metrics.stage("middle");
        assertThat(middle.failed()).isEqualTo(expectedFailures);
        assertThat(middle.processed()).isEqualTo(TASKS - expectedFailures);
        assertThat(pipeline.engineErrors()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldRunLaterTasksOnWorkerThatThrew()
    {
        final Outcomes outcomes = new Outcomes();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-later")
            .stage("middle", (Job job) ->
            {
                if (job.index < 2)
                {
                    throw new StackOverflowError("simulated " + job.index);
                }
            }).workers(2).stealing(false).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();

        // Round-robin with no stealing: tasks 0 and 1 fail on workers 0 and 1, and each worker
        // then gets 50 more.
        for (int i = 0; i < 102; i++)
        {
            pipeline.submit(new Job(i));
        }
        pipeline.close();

        assertThat(outcomes.failures).extracting(Failure::worker).containsExactlyInAnyOrder(0, 1);
        assertThat(outcomes.completed).hasSize(100);
        assertThat(pipeline.metrics().stage("middle").workers())
            .extracting(WorkerMetrics::processed).containsExactly(50L, 50L);
    }

    @Test
    @Timeout(30)
    void shouldCountTwoRetriesWhenProcessorFailsTwiceThenSucceeds()
    {
        final Outcomes outcomes = new Outcomes();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-retry")
            .stage("first", (Job job) -> {}).and()
            .stage("flaky", (Job job) ->
            {
                if (0 == job.index && job.attempts.incrementAndGet() <= 2)
                {
                    throw new IllegalStateException("attempt " + job.attempts.get());
                }
            }).workers(2).maxAttempts(3).and()
            .stage("last", (Job job) -> {}).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();
        final Job flaky = new Job(0);
        pipeline.submit(flaky);
        for (int i = 1; i < 50; i++)
        {
            pipeline.submit(new Job(i));
        }
        pipeline.close();

        assertThat(outcomes.failures).isEmpty();
        assertThat(outcomes.completed).hasSize(50).contains(0);
        assertThat(flaky.attempts.get()).isEqualTo(3);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.stage("flaky").workers()).extracting(WorkerMetrics::retries)
            .containsOnly(0L, 2L)
            .contains(2L);
        assertThat(metrics.failed()).isZero();
        assertThat(metrics.completed()).isEqualTo(50);
    }

    @Test
    @Timeout(30)
    void shouldReportThreeAttemptsWhenProcessorAlwaysFails()
    {
        final Outcomes outcomes = new Outcomes();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-always")
            .stage("first", (Job job) -> {}).and()
            .stage("broken", (Job job) ->
            {
                job.middleThread = Thread.currentThread().getName();
                if (0 == job.index)
                {
                    throw new IllegalStateException("attempt " + job.attempts.incrementAndGet());
                }
            }).workers(2).maxAttempts(3).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();
        final Job broken = new Job(0);
        pipeline.submit(broken);
        for (int i = 1; i < 20; i++)
        {
            pipeline.submit(new Job(i));
        }
        pipeline.close();

        assertThat(outcomes.failures).singleElement().satisfies((failure) ->
        {
            assertThat(failure.job()).isSameAs(broken);
            assertThat(failure.stage()).isEqualTo("broken");
            assertThat(failure.worker()).isEqualTo(workerOf(broken.middleThread));
            assertThat(failure.attempts()).isEqualTo(3);
            assertThat(failure.cause()).hasMessage("attempt 3");
        });
        assertThat(broken.attempts.get()).isEqualTo(3);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.stage("broken").workers()).extracting(WorkerMetrics::retries)
            .containsOnly(0L, 2L)
            .contains(2L);
        assertThat(metrics.failed()).isEqualTo(1);
        assertThat(metrics.completed()).isEqualTo(19);
    }

    @Test
    @Timeout(30)
    void shouldKeepFlowingWhenErrorHandlerThrows()
    {
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final AtomicInteger handlerCalls = new AtomicInteger();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-handler")
            .stage("first", (Job job) -> {}).workers(2).and()
            .stage("middle", (Job job) ->
            {
                if (0 == job.index % 5)
                {
                    throw new IllegalArgumentException("task " + job.index);
                }
            }).workers(2).and()
            .onComplete((job, id) -> completed.add(job.index))
            .onError((job, id, stage, worker, cause, attempts) ->
            {
                handlerCalls.incrementAndGet();
                throw new IllegalStateException("error handler is broken");
            })
            .build();
        pipeline.start();
        for (int i = 0; i < 200; i++)
        {
            pipeline.submit(new Job(i));
        }

        TestSupport.await(() -> 200 == completed.size() + handlerCalls.get(), 10_000,
            () -> completed.size() + " completed, " + handlerCalls.get() + " failed");
        assertThat(TestSupport.liveThreadsNamed("errs-handler-middle-")).hasSize(2);
        for (int i = 200; i < 250; i++)
        {
            pipeline.submit(new Job(i));
        }
        pipeline.close();

        assertThat(handlerCalls.get()).isEqualTo(50);
        assertThat(completed).hasSize(200);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.failed()).isEqualTo(50);
        assertThat(metrics.completed()).isEqualTo(200);
        // Distinct stack traces are kept apart, and the handler is reached from more than one
        // call site in the worker loop, so the 50 observations may be split over entries.
        final AtomicLong loggedHandlerFailures = new AtomicLong();
        pipeline.readErrorLog((count, first, last, text) ->
        {
            if (text.contains("error handler is broken"))
            {
                loggedHandlerFailures.addAndGet(count);
            }
        });
        assertThat(loggedHandlerFailures.get()).isEqualTo(50);
        assertThat(pipeline.engineErrors()).isZero();
    }

    @ParameterizedTest
    @EnumSource(StageOrder.class)
    @Timeout(30)
    void shouldCountTaskAsFailedWhenCompletionHandlerThrows(final StageOrder lastOrder)
    {
        final Set<Integer> completed = ConcurrentHashMap.newKeySet();
        final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-complete-" + lastOrder)
            .stage("first", (Job job) -> {}).workers(2).and()
            .stage("last", (Job job) -> {}).workers(2).order(lastOrder).key((job) -> job.index % 3)
            .and()
            .onComplete((job, id) ->
            {
                if (7 == job.index)
                {
                    throw new IllegalStateException("completion of 7 refused");
                }
                completed.add(job.index);
            })
            .onError((job, id, stage, worker, cause, attempts) ->
                failures.add(new Failure(job, id, stage, worker, cause, attempts)))
            .build();
        pipeline.start();
        final Map<Integer, Long> ids = new HashMap<>();
        for (int i = 0; i < 100; i++)
        {
            ids.put(i, pipeline.submit(new Job(i)));
        }
        pipeline.close();

        assertThat(failures).singleElement().satisfies((failure) ->
        {
            assertThat(failure.job().index).isEqualTo(7);
            assertThat(failure.id()).isEqualTo(ids.get(7));
            assertThat(failure.stage()).isEqualTo("last");
            assertThat(failure.cause()).hasMessage("completion of 7 refused");
            assertThat(failure.attempts()).isEqualTo(1);
        });
        assertThat(completed).hasSize(99).doesNotContain(7);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.failed()).isEqualTo(1);
        assertThat(metrics.completed()).isEqualTo(99);
        assertThat(metrics.inFlight()).isZero();
    }

    @Test
    @Timeout(30)
    void shouldFailOnlyThatTaskWhenKeyFunctionThrows()
    {
        final Outcomes outcomes = new Outcomes();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-key")
            .stage("first", (Job job) -> {}).workers(2).and()
            .stage("keyed", (Job job) -> {}).workers(2).order(StageOrder.KEYED)
            .key(ErrorChannelTest::keyOf).and()
            .stage("last", (Job job) -> {}).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();
        final Map<Integer, Long> ids = new HashMap<>();
        for (int i = 0; i < 100; i++)
        {
            ids.put(i, pipeline.submit(new Job(i)));
        }
        pipeline.close();

        assertThat(outcomes.failures).singleElement().satisfies((failure) ->
        {
            assertThat(failure.job().index).isEqualTo(13);
            assertThat(failure.id()).isEqualTo(ids.get(13));
            assertThat(failure.stage()).isEqualTo("keyed");
            assertThat(failure.worker()).isEqualTo(TaskErrorHandler.NO_WORKER);
            assertThat(failure.attempts()).isZero();
            assertThat(failure.cause()).isInstanceOf(AssertionError.class);
        });
        assertThat(outcomes.completed).hasSize(99).doesNotContain(13);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.stage("keyed").entryFailures()).isEqualTo(1);
        assertThat(metrics.stage("keyed").failed()).isEqualTo(1);
        assertThat(metrics.failed()).isEqualTo(1);
        assertThat(metrics.completed()).isEqualTo(99);
    }

    @Test
    @Timeout(30)
    void shouldAcceptAndFailTaskWhenFirstStageKeyFunctionThrows()
    {
        final Outcomes outcomes = new Outcomes();
        final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-key-first")
            .stage("keyed", (Job job) -> {}).workers(2).order(StageOrder.KEYED)
            .key(ErrorChannelTest::keyOf).and()
            .onComplete(outcomes::onComplete)
            .onError(outcomes::onError)
            .build();
        pipeline.start();
        final long badId = pipeline.submit(new Job(13));
        final long goodId = pipeline.submit(new Job(14));
        pipeline.close();

        assertThat(badId).isGreaterThanOrEqualTo(0);
        assertThat(goodId).isGreaterThan(badId);
        assertThat(outcomes.failures).singleElement().satisfies((failure) ->
        {
            assertThat(failure.id()).isEqualTo(badId);
            assertThat(failure.stage()).isEqualTo("keyed");
            assertThat(failure.attempts()).isZero();
        });
        assertThat(outcomes.completed).containsExactly(14);
        final PipelineMetrics metrics = pipeline.metrics();
        assertThat(metrics.submitted()).isEqualTo(2);
        assertThat(metrics.failed()).isEqualTo(1);
        assertThat(metrics.completed()).isEqualTo(1);
    }

    /**
     * A balancer that throws fails the task on entry. In an ORDERED stage the task already holds
     * a window ticket, which is given back as a skipped slot; the skip is made on the submitting
     * thread, which may not drain the window, so a worker must. Task 9 is submitted once 0..8
     * have completed and close() follows at once: the window must still end up empty. Whether a
     * worker gets there first is a race, so the test runs 20 rounds.
     */
    @Test
    @Timeout(60)
    void shouldLeaveOrderedWindowEmptyWhenBalancerThrowsOnEntry()
    {
        final List<String> leftovers = new ArrayList<>();
        for (int round = 0; round < 20; round++)
        {
            final Outcomes outcomes = new Outcomes();
            final Pipeline<Job> pipeline = Pipeline.<Job>builder("errs-balancer" + round)
                .stage("seq", (Job job) -> {}).workers(2).order(StageOrder.ORDERED)
                .balancer(() -> (key, load) ->
                {
                    if (5 == key || 9 == key)
                    {
                        throw new IllegalStateException("no worker for task " + key);
                    }
                    return (int)key;
                }).and()
                .onComplete(outcomes::onComplete)
                .onError(outcomes::onError)
                .build();
            pipeline.start();
            for (int i = 0; i < 9; i++)
            {
                assertThat(pipeline.submit(new Job(i))).isEqualTo(i);
            }
            TestSupport.await(() -> 8 == outcomes.completed.size(), 10_000,
                () -> outcomes.completed.size() + " of 8 completed");

            assertThat(pipeline.submit(new Job(9))).isEqualTo(9);
            pipeline.close();

            assertThat(outcomes.failures).extracting((failure) -> failure.job().index)
                .containsExactlyInAnyOrder(5, 9);
            assertThat(outcomes.failures).allSatisfy((failure) ->
            {
                assertThat(failure.stage()).isEqualTo("seq");
                assertThat(failure.worker()).isEqualTo(TaskErrorHandler.NO_WORKER);
                assertThat(failure.attempts()).isZero();
            });
            assertThat(outcomes.completed).hasSize(8).doesNotContain(5, 9);
            assertThat(pipeline.metrics().inFlight()).isZero();
            for (final String leftover : TestSupport.undrainedStages(pipeline))
            {
                leftovers.add("round " + round + ": " + leftover);
            }
        }

        assertThat(leftovers).as("left behind after close").isEmpty();
    }

    private static long keyOf(final Job job)
    {
        if (13 == job.index)
        {
            throw new AssertionError("no key for 13");
        }

        return job.index % 4;
    }

    private static void failSome(final Job job, final AtomicLong order) throws Exception
    {
        job.middleThread = Thread.currentThread().getName();
        job.middleOrder = order.incrementAndGet();
        final Class<? extends Throwable> cause = expectedCause(job.index);
        if (null == cause)
        {
            return;
        }

        if (StackOverflowError.class == cause)
        {
            recurse(0);
        }
        else if (AssertionError.class == cause)
        {
            throw new AssertionError("assertion in " + job.index);
        }
        else
        {
            throw new Exception("checked failure in " + job.index);
        }
    }

    private static Class<? extends Throwable> expectedCause(final int index)
    {
        if (index >= TASKS - 20)
        {
            return null;
        }

        if (55 == index)
        {
            return StackOverflowError.class;
        }

        switch (index % 10)
        {
            case 3:
                return Exception.class;
            case 6:
                return AssertionError.class;
            default:
                return null;
        }
    }

    private static int recurse(final int depth)
    {
        return recurse(depth + 1) + 1;
    }

    private static int workerOf(final String threadName)
    {
        return Integer.parseInt(threadName.substring(threadName.lastIndexOf('-') + 1));
    }
}
