package io.brigade.examples.replay;

import io.brigade.TaskErrorHandler;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replay's error channel: counts malformed lines and other failures, and keeps the few with
 * the lowest line numbers, so what the report lists does not depend on which worker failed first.
 * <p>
 * Threading: called by any worker; counts are atomic and the samples are guarded by their maps.
 */
final class ErrorLedger implements TaskErrorHandler<LobsterMessage>
{
    private final int limit;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong otherFailures = new AtomicLong();
    private final TreeMap<Long, ReplayReport.Malformed> firstMalformed = new TreeMap<>();
    private final TreeMap<Long, ReplayReport.Failure> firstOtherFailures = new TreeMap<>();

    ErrorLedger(final int limit)
    {
        this.limit = limit;
    }

    public void onTaskError(
        final LobsterMessage task,
        final long taskId,
        final String stage,
        final int worker,
        final Throwable cause,
        final int attempts)
    {
        if (cause instanceof MalformedLineException bad)
        {
            malformed.incrementAndGet();
            final long lineNumber = bad.lineNumber();
            keep(firstMalformed, lineNumber, new ReplayReport.Malformed(lineNumber, bad.reason()));
        }
        else
        {
            otherFailures.incrementAndGet();
            keep(firstOtherFailures, task.lineNumber,
                new ReplayReport.Failure(task.lineNumber, stage, String.valueOf(cause)));
        }
    }

    long malformed()
    {
        return malformed.get();
    }

    long otherFailures()
    {
        return otherFailures.get();
    }

    List<ReplayReport.Malformed> firstMalformed()
    {
        synchronized (firstMalformed)
        {
            return List.copyOf(firstMalformed.values());
        }
    }

    List<ReplayReport.Failure> firstOtherFailures()
    {
        synchronized (firstOtherFailures)
        {
            return List.copyOf(firstOtherFailures.values());
        }
    }

    private <V> void keep(final TreeMap<Long, V> samples, final long lineNumber, final V sample)
    {
        synchronized (samples)
        {
            samples.put(lineNumber, sample);
            if (samples.size() > limit)
            {
                samples.pollLastEntry();
            }
        }
    }
}
