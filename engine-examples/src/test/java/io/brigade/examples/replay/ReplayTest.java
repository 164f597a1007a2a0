package io.brigade.examples.replay;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ReplayTest
{
    private static final long SAMPLE_MESSAGES = 91_997;

    @Test
    @Timeout(120)
    void shouldMatchReferenceAndEachOtherWhenSampleRunsOnOneOrSeveralWorkers() throws IOException
    {
        final ReferenceReplay expected = ReferenceReplay.ofBundledSample();
        final ReplayReport single = Replay.run(new ReplayOptions()
            .parseWorkers(1).validateWorkers(1).bookWorkers(1).reportWorkers(1));
        final ReplayReport several = Replay.run(new ReplayOptions()
            .parseWorkers(3).validateWorkers(3).bookWorkers(2).reportWorkers(3).ringSize(256));

        assertMatches(single, expected);
        assertMatches(several, expected);
        assertThat(several.market()).isEqualTo(single.market());

        assertThat(single.market().messagesRead()).isEqualTo(SAMPLE_MESSAGES);
        assertThat(single.market().linesRead()).isEqualTo(SAMPLE_MESSAGES);
        assertThat(single.market().malformedLines()).isZero();
        assertThat(single.market().timesRounded()).isEqualTo(1);
        assertThat(single.symbol()).isEqualTo("AAPL");
        assertThat(single.market().messagesByType()).containsExactly(
            entry(EventType.SUBMIT, 44_256L),
            entry(EventType.CANCEL, 469L),
            entry(EventType.DELETE, 41_004L),
            entry(EventType.EXECUTE, 4_067L),
            entry(EventType.HIDDEN_EXECUTE, 2_201L),
            entry(EventType.HALT, 0L));
        for (final ReplayReport report : new ReplayReport[] {single, several})
        {
            assertThat(report.run().accounting().balanced()).isTrue();
            assertThat(report.run().accounting().completed()).isEqualTo(SAMPLE_MESSAGES);
            assertThat(report.run().endToEnd().count()).isEqualTo(SAMPLE_MESSAGES);
        }
    }

    static void assertMatches(final ReplayReport report, final ReferenceReplay expected)
    {
        final ReplayReport.Market actual = report.market();
        final SoftAssertions softly = new SoftAssertions();
        softly.assertThat(actual.linesRead()).as("linesRead").isEqualTo(expected.linesRead);
        softly.assertThat(actual.trailingBlankLines()).as("trailingBlankLines")
            .isEqualTo(expected.trailingBlankLines);
        softly.assertThat(actual.messagesRead()).as("messagesRead")
            .isEqualTo(expected.messagesRead);
        for (final EventType type : EventType.values())
        {
            softly.assertThat(actual.messagesByType().get(type)).as("messagesByType " + type)
                .isEqualTo(expected.messagesByType.getOrDefault(type.code(), 0L));
            if (type.namesOrder())
            {
                softly.assertThat(actual.unknownOrderEventsByType().get(type)).as("unknown " + type)
                    .isEqualTo(expected.unknownByType.getOrDefault(type.code(), 0L));
            }
        }

        softly.assertThat(actual.timesRounded()).as("timesRounded")
            .isEqualTo(expected.timesRounded);
        softly.assertThat(actual.malformedLines()).as("malformedLines")
            .isEqualTo(expected.malformedLines.size());
        softly.assertThat(actual.firstMalformed()).extracting(ReplayReport.Malformed::line)
            .as("firstMalformed")
            .containsExactlyElementsOf(
                expected.malformedLines.stream().limit(ReplayOptions.SAMPLES_DEFAULT).toList());
        softly.assertThat(actual.unknownOrderEvents()).as("unknownOrderEvents")
            .isEqualTo(expected.unknownOrderEvents());
        softly.assertThat(actual.bookEdgeCases()).as("bookEdgeCases")
            .isEqualTo(new ReplayReport.BookEdgeCases(
                expected.duplicateAdds, expected.oversizedReductions, expected.deleteSizeMismatches,
                expected.priceMismatches, expected.sideMismatches));
        softly.assertThat(actual.halts()).as("halts").isEqualTo(
            new ReplayReport.Halts(expected.halts, expected.quoteResumes, expected.tradeResumes));
        softly.assertThat(actual.restingOrders()).as("restingOrders")
            .isEqualTo(expected.book.size());
        softly.assertThat(actual.trades()).as("trades").isEqualTo(expected.trades);
        softly.assertThat(actual.tradedShares()).as("tradedShares")
            .isEqualTo(expected.tradedShares);
        softly.assertThat(actual.tradedNotional()).as("tradedNotional")
            .isEqualTo(expected.tradedNotional);
        softly.assertThat(actual.vwapDollars()).as("vwapDollars").isEqualTo(expected.vwapDollars());
        assertLevel(softly, "bestBid", actual.bestBid(), expected.best(1));
        assertLevel(softly, "bestAsk", actual.bestAsk(), expected.best(-1));
        softly.assertAll();
    }

    private static void assertLevel(
        final SoftAssertions softly,
        final String name,
        final ReplayReport.Level actual,
        final long[] expected)
    {
        if (null == expected)
        {
            softly.assertThat(actual).as(name).isNull();
            return;
        }

        softly.assertThat(actual).as(name)
            .isEqualTo(new ReplayReport.Level(expected[0], expected[1]));
        softly.assertThat(actual.priceDollars()).as(name + " dollars")
            .isEqualTo(BigDecimal.valueOf(expected[0]).movePointLeft(4));
    }
}
