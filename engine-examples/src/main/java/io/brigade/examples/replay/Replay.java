package io.brigade.examples.replay;

import io.brigade.Pipeline;
import io.brigade.StageOrder;
import io.brigade.metrics.PipelineMetrics;
import io.brigade.metrics.StageMetrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Replays a LOBSTER message file through a four-stage pipeline and reports what the order book
 * and the engine did.
 * <pre>
 *   reader --&gt; parse --&gt; validate --&gt; book -------&gt; report
 *   thread     ORDERED    ORDERED       KEYED          UNORDERED
 *              N workers  N workers     one key,       N workers,
 *                                       file order     a tally each
 * </pre>
 * parse and validate run in parallel, steal freely, and hand lines on in file order, so the book
 * sees the file's order whatever the worker counts; the KEYED book stage runs one message at a
 * time because the file holds one symbol. A malformed line fails in parse or validate, goes to the
 * error channel with its line number, and the rest flows on.
 * <pre>{@code
 * ReplayReport report = Replay.run(
 *     new ReplayOptions().input(ReplayInput.file(path)).parseWorkers(3));
 * }</pre>
 */
public final class Replay
{
    private Replay()
    {
    }

    /**
     * Runs one replay to the end of its input, then closes the pipeline, which drains every line.
     *
     * @param options what to read and how many workers to use.
     * @return the report.
     * @throws ReplayException          when the input cannot be opened or read.
     * @throws IllegalArgumentException when the engine refuses a worker count or ring size.
     */
    public static ReplayReport run(final ReplayOptions options)
    {
        final ReplayInput input = options.input();
        final BufferedReader reader;
        try
        {
            reader = input.open();
        }
        catch (final IOException ex)
        {
            throw new ReplayException(
                "cannot read input '" + input.name() + "': " + describe(ex), ex);
        }

        try (reader)
        {
            return new Session(options, reader).execute();
        }
        catch (final IOException ex)
        {
            throw new ReplayException(
                "error closing input '" + input.name() + "': " + describe(ex), ex);
        }
    }

    private static String describe(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file";
        }

        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }

        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /**
     * One replay's state: the pipeline, the stages' shared objects and the reader's counts.
     * Threading: created and driven by the calling thread; the handlers it installs run on workers.
     */
    private static final class Session
    {
        private final ReplayOptions options;
        private final BufferedReader reader;
        private final OrderBook book = new OrderBook();
        private final List<Tally> tallies = new ArrayList<>();
        private final ErrorLedger errors;
        private final LongAdder completed = new LongAdder();
        private final Pipeline<LobsterMessage> pipeline;
        private long linesRead;
        private long submitted;
        private long trailingBlankLines;

        Session(final ReplayOptions options, final BufferedReader reader)
        {
            this.options = options;
            this.reader = reader;
            errors = new ErrorLedger(options.samples());
            for (int i = 0; i < Math.max(0, options.reportWorkers()); i++)
            {
                tallies.add(new Tally());
            }

            final int ringSize = options.ringSize();
            final long symbolKey = options.input().symbol().hashCode();
            pipeline = Pipeline.<LobsterMessage>builder("replay")
                .stage("parse", new LineParser())
                .workers(options.parseWorkers()).ringSize(ringSize).order(StageOrder.ORDERED).and()
                .stage("validate", new MessageValidator())
                .workers(options.validateWorkers()).ringSize(ringSize)
                .order(StageOrder.ORDERED).and()
                .stage("book", book)
                .workers(options.bookWorkers()).ringSize(ringSize).order(StageOrder.KEYED)
                .key((message) -> symbolKey).and()
                .stagePerWorker("report", tallies::get)
                .workers(options.reportWorkers()).ringSize(ringSize).and()
                .onComplete((message, id) -> completed.increment())
                .onError(errors)
                .build();
        }

        ReplayReport execute()
        {
            pipeline.start();
            final long startNs = System.nanoTime();
            boolean closedCleanly;
            try
            {
                submitAll();
            }
            catch (final IOException ex)
            {
                throw new ReplayException("error reading input '" + options.input().name() +
                    "' after line " + linesRead + ": " + describe(ex), ex);
            }
            finally
            {
                // Only the timed close says whether the drain was clean; no time limit here.
                closedCleanly = pipeline.close(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            }

            final long elapsedNs = System.nanoTime() - startNs;

            return report(elapsedNs, closedCleanly);
        }

        /**
         * Hands every line to the pipeline. A run of blank lines is held back until a non-blank
         * line follows it, which makes each of them malformed; blank lines at the end are only
         * counted.
         */
        private void submitAll() throws IOException
        {
            long firstBlankLine = 0;
            long blankLines = 0;
            String line;
            while (null != (line = reader.readLine()))
            {
                final long lineNumber = ++linesRead;
                if (line.isBlank())
                {
                    firstBlankLine = 0 == blankLines ? lineNumber : firstBlankLine;
                    blankLines++;
                    continue;
                }

                for (long i = 0; i < blankLines; i++)
                {
                    submit(new LobsterMessage(firstBlankLine + i, ""));
                }

                blankLines = 0;
                submit(new LobsterMessage(lineNumber, line));
            }

            trailingBlankLines = blankLines;
        }

        private void submit(final LobsterMessage message)
        {
            if (pipeline.submit(message) < 0)
            {
                throw new IllegalStateException("the pipeline refused line " + message.lineNumber +
                    " while the replay held it open");
            }

            submitted++;
        }

        private ReplayReport report(final long elapsedNs, final boolean closedCleanly)
        {
            final PipelineMetrics metrics = pipeline.metrics();
            final Tally.Totals totals = Tally.merge(tallies);
            final ReplayReport.Market market = new ReplayReport.Market(
                linesRead,
                trailingBlankLines,
                submitted,
                totals.messagesByType(),
                totals.timesRounded(),
                errors.malformed(),
                errors.firstMalformed(),
                sum(totals.unknownByType()),
                totals.unknownByType(),
                book.edgeCases(),
                totals.halts(),
                book.restingOrders(),
                totals.trades(),
                totals.tradedShares(),
                totals.tradedNotional(),
                totals.vwapDollars(),
                book.bestBid(),
                book.bestAsk());

            final long completedCount = completed.sum();
            final long malformed = errors.malformed();
            final long otherFailures = errors.otherFailures();
            final ReplayReport.Accounting accounting = new ReplayReport.Accounting(
                submitted,
                completedCount,
                malformed + otherFailures,
                malformed,
                otherFailures,
                errors.firstOtherFailures(),
                metrics.submitted(),
                metrics.rejected(),
                metrics.completed(),
                metrics.failed(),
                closedCleanly);

            final List<ReplayReport.StageReport> stages = new ArrayList<>();
            for (final StageMetrics stage : metrics.stages())
            {
                stages.add(new ReplayReport.StageReport(
                    stage.name(),
                    stage.order().name(),
                    stage.workers().size(),
                    stage.processed(),
                    stage.failed(),
                    stage.latency(),
                    stage.serviceTime(),
                    stage.tasksStolen(),
                    stage.tasksShed(),
                    stage.stealAttempts(),
                    stage.stealSuccesses()));
            }

            final long perSecond = elapsedNs <= 0 ? 0 : Math.round(submitted * 1e9 / elapsedNs);
            final ReplayReport.Run run = new ReplayReport.Run(
                elapsedNs, perSecond, accounting, metrics.endToEnd(), List.copyOf(stages));
            final ReplayReport.Settings settings = new ReplayReport.Settings(
                options.parseWorkers(),
                options.validateWorkers(),
                options.bookWorkers(),
                options.reportWorkers(),
                options.ringSize());

            final ReplayInput input = options.input();

            return new ReplayReport(input.name(), input.symbol(), settings, market, run);
        }
    }

    /**
     * Adds up counts.
     *
     * @param counts per type.
     * @return the total.
     */
    static long sum(final Map<EventType, Long> counts)
    {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
