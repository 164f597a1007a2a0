package io.brigade.examples.replay;

import io.brigade.examples.JsonWriter;
import io.brigade.metrics.LatencySummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Formats a {@link ReplayReport} as one JSON object with the same values as {@link ReportText}.
 * engine-examples/README.md documents every field.
 */
public final class ReportJson
{
    private ReportJson()
    {
    }

    /**
     * Formats the whole report.
     *
     * @param report the report.
     * @return one JSON object, without a trailing newline.
     */
    public static String format(final ReplayReport report)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", "replay");
        root.put("input", report.input());
        root.put("symbol", report.symbol());
        root.put("settings", settings(report.settings()));
        root.put("market", market(report.market()));
        root.put("run", run(report.run()));

        return JsonWriter.write(root);
    }

    private static Map<String, Object> settings(final ReplayReport.Settings settings)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("parseWorkers", settings.parseWorkers());
        map.put("validateWorkers", settings.validateWorkers());
        map.put("bookWorkers", settings.bookWorkers());
        map.put("reportWorkers", settings.reportWorkers());
        map.put("ringSize", settings.ringSize());

        return map;
    }

    private static Map<String, Object> market(final ReplayReport.Market market)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("linesRead", market.linesRead());
        map.put("trailingBlankLines", market.trailingBlankLines());
        map.put("messagesRead", market.messagesRead());
        map.put("messagesByType", byLabel(market.messagesByType()));

        final ReplayReport.Halts halts = market.halts();
        final Map<String, Object> haltKinds = new LinkedHashMap<>();
        haltKinds.put("halts", halts.halts());
        haltKinds.put("quoteResumes", halts.quoteResumes());
        haltKinds.put("tradeResumes", halts.tradeResumes());
        map.put("haltKinds", haltKinds);
        map.put("timesRounded", market.timesRounded());

        final List<Object> first = new ArrayList<>();
        for (final ReplayReport.Malformed malformed : market.firstMalformed())
        {
            final Map<String, Object> line = new LinkedHashMap<>();
            line.put("line", malformed.line());
            line.put("reason", malformed.reason());
            first.add(line);
        }

        final Map<String, Object> malformedLines = new LinkedHashMap<>();
        malformedLines.put("count", market.malformedLines());
        malformedLines.put("first", first);
        map.put("malformedLines", malformedLines);

        final Map<String, Object> unknown = new LinkedHashMap<>();
        unknown.put("count", market.unknownOrderEvents());
        unknown.put("byType", byLabel(market.unknownOrderEventsByType()));
        map.put("unknownOrderEvents", unknown);

        final ReplayReport.BookEdgeCases edges = market.bookEdgeCases();
        final Map<String, Object> edgeCases = new LinkedHashMap<>();
        edgeCases.put("duplicateAdds", edges.duplicateAdds());
        edgeCases.put("oversizedReductions", edges.oversizedReductions());
        edgeCases.put("deleteSizeMismatches", edges.deleteSizeMismatches());
        edgeCases.put("priceMismatches", edges.priceMismatches());
        edgeCases.put("sideMismatches", edges.sideMismatches());
        map.put("bookEdgeCases", edgeCases);

        map.put("restingOrders", market.restingOrders());
        map.put("trades", market.trades());
        map.put("tradedShares", market.tradedShares());
        map.put("tradedNotional", market.tradedNotional());
        map.put("vwapDollars", market.vwapDollars());
        map.put("bestBid", level(market.bestBid()));
        map.put("bestAsk", level(market.bestAsk()));

        return map;
    }

    private static Map<String, Object> run(final ReplayReport.Run run)
    {
        final ReplayReport.Accounting accounting = run.accounting();
        final Map<String, Object> account = new LinkedHashMap<>();
        account.put("submitted", accounting.submitted());
        account.put("completed", accounting.completed());
        account.put("failed", accounting.failed());
        account.put("malformed", accounting.malformed());
        account.put("otherFailures", accounting.otherFailures());
        final List<Object> failures = new ArrayList<>();
        for (final ReplayReport.Failure failure : accounting.firstOtherFailures())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("line", failure.line());
            entry.put("stage", failure.stage());
            entry.put("cause", failure.cause());
            failures.add(entry);
        }

        account.put("firstOtherFailures", failures);
        account.put("engineSubmitted", accounting.engineSubmitted());
        account.put("engineRejected", accounting.engineRejected());
        account.put("engineCompleted", accounting.engineCompleted());
        account.put("engineFailed", accounting.engineFailed());
        account.put("closedCleanly", accounting.closedCleanly());
        account.put("balanced", accounting.balanced());

        final List<Object> stages = new ArrayList<>();
        for (final ReplayReport.StageReport stage : run.stages())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", stage.name());
            entry.put("order", stage.order());
            entry.put("workers", stage.workers());
            entry.put("processed", stage.processed());
            entry.put("failed", stage.failed());
            entry.put("latency", latency(stage.latency()));
            entry.put("serviceTime", latency(stage.serviceTime()));
            entry.put("tasksStolen", stage.tasksStolen());
            entry.put("tasksShed", stage.tasksShed());
            entry.put("stealAttempts", stage.stealAttempts());
            entry.put("stealSuccesses", stage.stealSuccesses());
            stages.add(entry);
        }

        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("elapsedNs", run.elapsedNs());
        map.put("messagesPerSecond", run.messagesPerSecond());
        map.put("accounting", account);
        map.put("endToEnd", latency(run.endToEnd()));
        map.put("stages", stages);

        return map;
    }

    private static Map<String, Object> byLabel(final Map<EventType, Long> counts)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Map.Entry<EventType, Long> entry : counts.entrySet())
        {
            map.put(entry.getKey().label(), entry.getValue());
        }

        return map;
    }

    private static Map<String, Object> level(final ReplayReport.Level level)
    {
        if (null == level)
        {
            return null;
        }

        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("price", level.price());
        map.put("priceDollars", level.priceDollars());
        map.put("size", level.size());

        return map;
    }

    private static Map<String, Object> latency(final LatencySummary summary)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", summary.count());
        map.put("p50Ns", summary.p50Ns());
        map.put("p99Ns", summary.p99Ns());
        map.put("p999Ns", summary.p999Ns());
        map.put("maxNs", summary.maxNs());

        return map;
    }
}
