package io.brigade.examples.replay;

import io.brigade.metrics.LatencySummary;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Formats a {@link ReplayReport} for people: one labelled line per value, then tables of latency
 * and stealing per stage. engine-examples/README.md explains every line.
 */
public final class ReportText
{
    private static final String LABEL = "  %-26s";

    private ReportText()
    {
    }

    /**
     * Formats the whole report.
     *
     * @param report the report.
     * @return the text, ending with a newline.
     */
    public static String format(final ReplayReport report)
    {
        final StringBuilder out = new StringBuilder(4096);
        final ReplayReport.Settings settings = report.settings();
        line(out, "replay of %s from %s", report.symbol(), report.input());
        line(out, "workers: parse %d, validate %d, book %d, report %d; ring size %d",
            settings.parseWorkers(), settings.validateWorkers(), settings.bookWorkers(),
            settings.reportWorkers(), settings.ringSize());
        out.append('\n');

        market(out, report.market());
        out.append('\n');
        run(out, report.run());

        return out.toString();
    }

    private static void market(final StringBuilder out, final ReplayReport.Market market)
    {
        line(out, "market");
        value(out, "lines read", "%d (trailing blank lines %d)",
            market.linesRead(), market.trailingBlankLines());
        value(out, "messages read", "%d", market.messagesRead());
        for (final Map.Entry<EventType, Long> entry : market.messagesByType().entrySet())
        {
            final EventType type = entry.getKey();
            value(out, "  type " + type.code() + " " + type.label(), "%d", entry.getValue());
        }

        final ReplayReport.Halts halts = market.halts();
        value(out, "  halt kinds", "halt %d, quote resume %d, trade resume %d",
            halts.halts(), halts.quoteResumes(), halts.tradeResumes());

        value(out, "times rounded to 1 ns", "%d", market.timesRounded());
        value(out, "malformed lines", "%d", market.malformedLines());
        for (final ReplayReport.Malformed malformed : market.firstMalformed())
        {
            line(out, "    line %d: %s", malformed.line(), malformed.reason());
        }

        value(out, "unknown-order events", "%d", market.unknownOrderEvents());
        for (final Map.Entry<EventType, Long> entry : market.unknownOrderEventsByType().entrySet())
        {
            final EventType type = entry.getKey();
            value(out, "  type " + type.code() + " " + type.label(), "%d", entry.getValue());
        }

        final ReplayReport.BookEdgeCases edges = market.bookEdgeCases();
        value(out, "duplicate adds", "%d", edges.duplicateAdds());
        value(out, "oversized reductions", "%d", edges.oversizedReductions());
        value(out, "delete size mismatches", "%d", edges.deleteSizeMismatches());
        value(out, "price mismatches", "%d", edges.priceMismatches());
        value(out, "side mismatches", "%d", edges.sideMismatches());
        value(out, "resting orders", "%d", market.restingOrders());
        value(out, "trades", "%d", market.trades());
        value(out, "traded shares", "%d", market.tradedShares());
        value(out, "traded notional", "%s (price x size, price in 1/10000 dollar)",
            market.tradedNotional());
        value(out, "VWAP", "%s", dollars(market.vwapDollars()));
        value(out, "best bid", "%s", level(market.bestBid()));
        value(out, "best ask", "%s", level(market.bestAsk()));
    }

    private static void run(final StringBuilder out, final ReplayReport.Run run)
    {
        final ReplayReport.Accounting accounting = run.accounting();
        line(out, "run");
        value(out, "elapsed", "%.3f s", run.elapsedNs() / 1e9);
        value(out, "throughput", "%d messages/s", run.messagesPerSecond());
        value(out, "accounting", "submitted %d = completed %d + failed %d: %s",
            accounting.submitted(), accounting.completed(), accounting.failed(),
            accounting.balanced() ? "OK" : "MISMATCH");
        value(out, "  failed", "malformed %d, other %d",
            accounting.malformed(), accounting.otherFailures());
        for (final ReplayReport.Failure failure : accounting.firstOtherFailures())
        {
            line(out, "    line %d in %s: %s", failure.line(), failure.stage(), failure.cause());
        }

        value(out, "  engine",
            "submitted %d, rejected %d, completed %d, failed %d, closed cleanly %s",
            accounting.engineSubmitted(), accounting.engineRejected(), accounting.engineCompleted(),
            accounting.engineFailed(), accounting.closedCleanly() ? "yes" : "no");
        out.append('\n');

        line(out, "latency (microseconds)      count        p50        p99      p99.9        max");
        for (final ReplayReport.StageReport stage : run.stages())
        {
            latency(out, stage.name() + " in stage", stage.latency());
            latency(out, stage.name() + " service", stage.serviceTime());
        }

        latency(out, "end to end", run.endToEnd());
        out.append('\n');

        line(out, "stealing            workers  order" +
            "        stolen      shed   attempts  successes");
        for (final ReplayReport.StageReport stage : run.stages())
        {
            line(out, "  %-16s %8d  %-9s %9d %9d %10d %10d",
                stage.name(), stage.workers(), stage.order(), stage.tasksStolen(),
                stage.tasksShed(), stage.stealAttempts(), stage.stealSuccesses());
        }
    }

    private static void latency(
        final StringBuilder out,
        final String label,
        final LatencySummary summary)
    {
        line(out, "  %-20s %10d %10s %10s %10s %10s",
            label, summary.count(), micros(summary.p50Ns()), micros(summary.p99Ns()),
            micros(summary.p999Ns()), micros(summary.maxNs()));
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    private static String dollars(final BigDecimal amount)
    {
        return null == amount ? "none" : "$" + amount.toPlainString();
    }

    private static String level(final ReplayReport.Level level)
    {
        if (null == level)
        {
            return "none";
        }

        return dollars(level.priceDollars()) + " x " + level.size() + " shares";
    }

    private static void value(
        final StringBuilder out,
        final String label,
        final String format,
        final Object... args)
    {
        out.append(String.format(Locale.ROOT, LABEL, label + ":"))
            .append(String.format(Locale.ROOT, format, args))
            .append('\n');
    }

    private static void line(final StringBuilder out, final String format, final Object... args)
    {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
