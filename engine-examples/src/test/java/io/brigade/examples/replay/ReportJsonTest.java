package io.brigade.examples.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class ReportJsonTest
{
    @TempDir
    Path directory;

    @Test
    @Timeout(60)
    void shouldWriteDocumentedFieldsWithTheReportsValuesWhenFormattedAsJson() throws IOException
    {
        final Path file =
            MalformedLinesTest.write(directory, "TEST_json.csv", MalformedLinesTest.LINES);
        final ReplayReport report = Replay.run(new ReplayOptions().input(ReplayInput.file(file)));
        final String json = ReportJson.format(report);
        final String text = ReportText.format(report);

        final Map<?, ?> root = (Map<?, ?>)MiniJson.parse(json);
        final Map<?, ?> market = (Map<?, ?>)root.get("market");
        final Map<?, ?> run = (Map<?, ?>)root.get("run");
        assertThat(root.get("command")).isEqualTo("replay");
        assertThat(root.get("symbol")).isEqualTo("TEST");
        assertThat(number(market, "messagesRead"))
            .isEqualTo(report.market().messagesRead())
            .isEqualTo(24);
        assertThat(number((Map<?, ?>)market.get("malformedLines"), "count")).isEqualTo(11);
        assertThat(number((Map<?, ?>)market.get("unknownOrderEvents"), "count")).isEqualTo(4);
        assertThat(number(market, "restingOrders")).isEqualTo(report.market().restingOrders());
        assertThat(number(market, "tradedShares")).isEqualTo(report.market().tradedShares());
        assertThat(market.get("vwapDollars")).isEqualTo(new BigDecimal("585.600000"));
        assertThat(((Map<?, ?>)market.get("bestBid")).get("priceDollars"))
            .isEqualTo(new BigDecimal("585.0100"));
        assertThat(number((Map<?, ?>)market.get("bestAsk"), "size")).isEqualTo(5);
        assertThat(((Map<?, ?>)run.get("accounting")).get("balanced")).isEqualTo(Boolean.TRUE);
        final List<?> stages = (List<?>)run.get("stages");
        assertThat(stages.stream().map((stage) -> (Object)((Map<?, ?>)stage).get("name")))
            .containsExactly("parse", "validate", "book", "report");

        assertThat(text)
            .contains("messages read:            24\n")
            .contains("malformed lines:          11\n")
            .contains("unknown-order events:     4\n")
            .contains("VWAP:                     $585.600000\n")
            .contains("best bid:                 $585.0100 x 5 shares\n")
            .contains("best ask:                 $586.0000 x 5 shares\n");

        final String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        final TreeSet<String> undocumented = new TreeSet<>();
        for (final String path : paths("", root, new TreeSet<>()))
        {
            if (!readme.contains("`" + path + "`"))
            {
                undocumented.add(path);
            }
        }

        assertThat(undocumented).as("JSON fields missing from README.md").isEmpty();
    }

    private static long number(final Map<?, ?> map, final String key)
    {
        return ((BigDecimal)map.get(key)).longValueExact();
    }

    private static TreeSet<String> paths(
        final String prefix,
        final Object value,
        final TreeSet<String> into)
    {
        if (value instanceof Map<?, ?> map)
        {
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                final String key = (String)entry.getKey();
                final String path = prefix.isEmpty() ? key : prefix + "." + key;
                into.add(path);
                paths(path, entry.getValue(), into);
            }
        }
        else if (value instanceof List<?> list)
        {
            for (final Object element : list)
            {
                paths(prefix + "[]", element, into);
            }
        }

        return into;
    }
}
