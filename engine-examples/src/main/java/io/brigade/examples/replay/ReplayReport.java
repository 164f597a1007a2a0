package io.brigade.examples.replay;

import io.brigade.metrics.LatencySummary;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * What a replay found and how the engine ran it. {@link #market()} holds only values that depend
 * on the input alone, never on worker counts or timing; {@link #run()} holds the rest.
 * engine-examples/README.md documents every field.
 *
 * @param input    where the messages came from: a path, or {@code bundled:} and a resource name.
 * @param symbol   the ticker, taken from the file name (the part before its first underscore).
 * @param settings the pipeline's shape.
 * @param market   the order book's results.
 * @param run      timing, accounting and engine metrics.
 */
public record ReplayReport(String input, String symbol, Settings settings, Market market, Run run)
{
    /**
     * The pipeline's shape.
     *
     * @param parseWorkers    workers of the parse stage.
     * @param validateWorkers workers of the validate stage.
     * @param bookWorkers     workers of the book stage.
     * @param reportWorkers   workers of the report stage.
     * @param ringSize        slots in each worker's ring.
     */
    public record Settings(
        int parseWorkers,
        int validateWorkers,
        int bookWorkers,
        int reportWorkers,
        int ringSize)
    {
    }

    /**
     * Results that depend only on the input.
     *
     * @param linesRead                every line of the input, blank ones included.
     * @param trailingBlankLines       blank lines after the last non-blank one; ignored.
     * @param messagesRead             lines handed to the pipeline: linesRead less
     *                                 trailingBlankLines.
     * @param messagesByType           well-formed messages per type.
     * @param timesRounded             well-formed messages whose time had more than 9 decimals,
     *                                 rounded half-even to the nanosecond.
     * @param malformedLines           lines that are not well-formed messages.
     * @param firstMalformed           the first few of them, by line number.
     * @param unknownOrderEvents       messages of types 2 to 5 whose order id was not in the book.
     * @param unknownOrderEventsByType the same, per type.
     * @param bookEdgeCases            what the book met and how often.
     * @param halts                    type 7 messages by kind.
     * @param restingOrders            orders in the book at the end.
     * @param trades                   messages of types 4 and 5.
     * @param tradedShares             sum of their sizes.
     * @param tradedNotional           sum of their price times size, price in dollars times 10,000.
     * @param vwapDollars              tradedNotional / tradedShares / 10,000, rounded half-even
     *                                 to 6 decimals; null with no trades.
     * @param bestBid                  highest bid at the end, or null when no bid rests.
     * @param bestAsk                  lowest ask at the end, or null when no ask rests.
     */
    public record Market(
        long linesRead,
        long trailingBlankLines,
        long messagesRead,
        Map<EventType, Long> messagesByType,
        long timesRounded,
        long malformedLines,
        List<Malformed> firstMalformed,
        long unknownOrderEvents,
        Map<EventType, Long> unknownOrderEventsByType,
        BookEdgeCases bookEdgeCases,
        Halts halts,
        long restingOrders,
        long trades,
        long tradedShares,
        BigInteger tradedNotional,
        BigDecimal vwapDollars,
        Level bestBid,
        Level bestAsk)
    {
    }

    /**
     * One malformed line.
     *
     * @param line   its 1-based number in the input.
     * @param reason what is wrong with it.
     */
    public record Malformed(long line, String reason)
    {
    }

    /**
     * How often the book met each edge case; see {@link OrderBook} for what it does in each.
     *
     * @param duplicateAdds        submits whose order id was already resting; ignored.
     * @param oversizedReductions  cancels or executes larger than the resting size; the order
     *                             is removed.
     * @param deleteSizeMismatches deletes whose size differed from the resting size; the order is
     *                             removed.
     * @param priceMismatches      cancels, deletes or executes whose price differed from the
     *                             resting order's.
     * @param sideMismatches       cancels, deletes or executes whose direction differed from the
     *                             resting order's.
     */
    public record BookEdgeCases(
        long duplicateAdds,
        long oversizedReductions,
        long deleteSizeMismatches,
        long priceMismatches,
        long sideMismatches)
    {
    }

    /**
     * Type 7 messages by kind, told apart by their price field.
     *
     * @param halts        price -1: trading halts.
     * @param quoteResumes price 0: quoting resumes.
     * @param tradeResumes price 1: trading resumes.
     */
    public record Halts(long halts, long quoteResumes, long tradeResumes)
    {
    }

    /**
     * One price level of the book.
     *
     * @param price price in dollars times 10,000, as in the file.
     * @param size  total shares resting at that price.
     */
    public record Level(long price, long size)
    {
        /**
         * The price in dollars, exactly.
         *
         * @return the price with 4 decimals.
         */
        public BigDecimal priceDollars()
        {
            return BigDecimal.valueOf(price, Tally.PRICE_SCALE);
        }
    }

    /**
     * How the engine ran the replay.
     *
     * @param elapsedNs         from the pipeline's start until its close returned, reading the
     *                          input included.
     * @param messagesPerSecond messagesRead per second of elapsedNs, rounded.
     * @param accounting        where every line went.
     * @param endToEnd          latency from submit to the end of the last stage.
     * @param stages            per-stage metrics, in pipeline order.
     */
    public record Run(
        long elapsedNs,
        long messagesPerSecond,
        Accounting accounting,
        LatencySummary endToEnd,
        List<StageReport> stages)
    {
    }

    /**
     * Where every line handed to the pipeline went, counted by the replay's own handlers and
     * checked against the engine's counters.
     *
     * @param submitted          lines handed to the pipeline.
     * @param completed          lines that passed every stage.
     * @param failed             lines that went to the error channel.
     * @param malformed          failed lines that were malformed.
     * @param otherFailures      failed lines that failed for another reason; a bug if not zero.
     * @param firstOtherFailures the first few of those, by line number.
     * @param engineSubmitted     ids the engine handed out.
     * @param engineRejected     submits the engine gave back.
     * @param engineCompleted    tasks the engine counted as completed.
     * @param engineFailed       tasks the engine counted as failed.
     * @param closedCleanly      whether the pipeline's close drained every task and ended every
     *                           thread.
     */
    public record Accounting(
        long submitted,
        long completed,
        long failed,
        long malformed,
        long otherFailures,
        List<Failure> firstOtherFailures,
        long engineSubmitted,
        long engineRejected,
        long engineCompleted,
        long engineFailed,
        boolean closedCleanly)
    {
        /**
         * Whether every line is accounted for exactly once and the engine agrees.
         *
         * @return true when submitted equals completed plus failed, failures split exactly into
         * malformed and other, the engine's counts match, and the close was clean.
         */
        public boolean balanced()
        {
            return submitted == completed + failed &&
                failed == malformed + otherFailures &&
                engineSubmitted - engineRejected == submitted &&
                engineCompleted == completed &&
                engineFailed == failed &&
                closedCleanly;
        }
    }

    /**
     * A line that failed for a reason other than being malformed.
     *
     * @param line  its 1-based number in the input.
     * @param stage the stage it failed in.
     * @param cause what the stage threw.
     */
    public record Failure(long line, String stage, String cause)
    {
    }

    /**
     * One stage's engine metrics.
     *
     * @param name           the stage's name.
     * @param order          UNORDERED, ORDERED or KEYED.
     * @param workers        its worker count.
     * @param processed      tasks it ran to success.
     * @param failed         tasks that failed in it.
     * @param latency        from entering the stage to the end of processing in it.
     * @param serviceTime    time inside the stage's processor.
     * @param tasksStolen    tasks run by a worker other than the one they were dispatched to.
     * @param tasksShed      tasks moved by an overloaded worker into the stage's steal queue.
     * @param stealAttempts  rounds in which an idle worker looked for work to steal.
     * @param stealSuccesses rounds that found some.
     */
    public record StageReport(
        String name,
        String order,
        int workers,
        long processed,
        long failed,
        LatencySummary latency,
        LatencySummary serviceTime,
        long tasksStolen,
        long tasksShed,
        long stealAttempts,
        long stealSuccesses)
    {
    }
}
