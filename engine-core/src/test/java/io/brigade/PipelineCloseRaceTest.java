package io.brigade;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accounting promise of {@link Pipeline} ("every id a submit call returns ends exactly once")
 * when a timed close gives up while other threads are still submitting: a submit either returns
 * {@link Pipeline#CLOSED} or its task must end, completed or failed (abandoned with a
 * {@link PipelineClosedException}).
 */
class PipelineCloseRaceTest
{
    private static final int ROUNDS = 400;
    private static final int SUBMITTERS = 2;

    @Test
    @Timeout(120)
    void shouldEndEveryAcceptedTaskWhenCloseGivesUpWhileOthersSubmit() throws Exception
    {
        String stranded = null;
        for (int round = 0; round < ROUNDS && null == stranded; round++)
        {
            stranded = runRound(round);
        }

        assertThat(stranded).as("accepted tasks that never ended").isNull();
    }

    /**
     * One pipeline, two threads submitting as fast as they can, and a close with no time to
     * drain.
     *
     * @return a description of the accepted ids that never ended, or null when all did.
     */
    private static String runRound(final int round) throws Exception
    {
        final Set<Long> ended = ConcurrentHashMap.newKeySet();
        final Pipeline<Object> pipeline = Pipeline.builder("close-race")
            .stage("only", (task) -> {}).workers(1).ringSize(1024).stealing(false).and()
            .onComplete((task, id) -> ended.add(id))
            .onError((task, id, stage, worker, cause, attempts) -> ended.add(id))
            .build();
        pipeline.start();

        final List<List<Long>> accepted = new ArrayList<>();
        final List<long[]> lastReturnNs = new ArrayList<>();
        final List<Thread> submitters = new ArrayList<>();
        final CountDownLatch started = new CountDownLatch(SUBMITTERS);
        for (int i = 0; i < SUBMITTERS; i++)
        {
            final List<Long> ids = new ArrayList<>();
            final long[] returnNs = new long[1];
            accepted.add(ids);
            lastReturnNs.add(returnNs);
            final Thread submitter = new Thread(
                () ->
                {
                    started.countDown();
                    long id;
                    while (Pipeline.CLOSED != (id = pipeline.trySubmit(Boolean.TRUE)))
                    {
                        if (id >= 0)
                        {
                            ids.add(id);
                            returnNs[0] = System.nanoTime();
                        }
                    }
                },
                "close-race-submitter-" + i);
            submitters.add(submitter);
            submitter.start();
        }

        started.await(10, TimeUnit.SECONDS);
        final boolean clean = pipeline.close(0, TimeUnit.NANOSECONDS);
        final long closedNs = System.nanoTime();
        for (final Thread submitter : submitters)
        {
            submitter.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(submitter.isAlive())
                .as("%s still submitting", submitter.getName()).isFalse();
        }

        final List<Long> missing = new ArrayList<>();
        long latestReturnAfterCloseUs = Long.MIN_VALUE;
        for (int i = 0; i < SUBMITTERS; i++)
        {
            for (final long id : accepted.get(i))
            {
                if (!ended.contains(id))
                {
                    missing.add(id);
                }
            }
            latestReturnAfterCloseUs =
                Math.max(latestReturnAfterCloseUs, (lastReturnNs.get(i)[0] - closedNs) / 1000);
        }

        if (missing.isEmpty())
        {
            return null;
        }

        return "round " + round + ": ids " + missing + " were returned by submit and never " +
            "ended; close returned " + clean + "; the last successful submit returned " +
            latestReturnAfterCloseUs + " us after close returned; " + pipeline.metrics();
    }
}
