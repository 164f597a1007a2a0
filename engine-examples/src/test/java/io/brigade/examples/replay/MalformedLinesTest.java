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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class MalformedLinesTest
{
    /** Line N of the file is element N - 1; the comment says what the line is for. */
    static final List<String> LINES = List.of(
        "34200.000000001,1,1,100,5850000,1",    //  1 bid 100 @ 585.00
        "34200.1,1,2",                          //  2 malformed: 3 fields
        "34200.2,1,3,100,58x0000,-1",           //  3 malformed: price not an integer
        "34200.3,6,4,100,5850000,1",            //  4 malformed: type 6
        "34200.4,1,5,0,5850000,1",              //  5 malformed: size 0
        "34200.5,1,6,100,5850000,0",            //  6 malformed: direction 0
        "34200.6,1,7,100,-5,1",                 //  7 malformed: negative price
        "34200.7,2,999,10,5850000,1",           //  8 unknown cancel
        "34200.8,4,998,50,5860000,-1",          //  9 unknown execute, still a trade of 50 @ 586.00
        "",                                     // 10 malformed: blank line inside the file
        "34200.9,3,997,10,5850000,1",           // 11 unknown delete
        "34201.0,5,0,20,5855000,1",             // 12 hidden execute, unknown, trade of 20 @ 585.50
        "34201.1,1,8,200,5870000,-1",           // 13 ask 200 @ 587.00
        "34201.2,4,1,30,5850000,1",             // 14 execute 30 of order 1, 70 left
        "34201.3,1,1,100,5850000,1",            // 15 duplicate add of order 1: ignored
        "34201.4,2,8,500,5870000,-1",           // 16 cancel 500 of 200: order 8 removed
        "34201.5,7,0,0,-1,-1",                  // 17 trading halt
        "34201.6,7,0,0,1,-1",                   // 18 trading resumes
        "34201.7,7,0,0,2,-1",                   // 19 malformed: type 7 price 2
        "86400.0,1,9,1,1,1",                    // 20 malformed: past the end of the day
        "34201.8,1,10,5,5850100,1",             // 21 bid 5 @ 585.01
        "abc,1,11,5,5850100,1",                 // 22 malformed: time not a number
        "34201.9,1,12,5,5850100,-3",            // 23 malformed: direction -3
        "34202.1234567891,1,13,5,5860000,-1",   // 24 ask 5 @ 586.00, time rounded to 1 ns
        "",                                     // 25 trailing blank: ignored
        "  ");                                  // 26 trailing blank: ignored

    @TempDir
    Path directory;

    @Test
    @Timeout(60)
    void shouldReportMalformedAndUnknownOrderLinesWhenFileHasThem() throws IOException
    {
        final Path file = write(directory, "TEST_malformed.csv", LINES);
        final ReplayReport report = Replay.run(new ReplayOptions().input(ReplayInput.file(file))
            .parseWorkers(3).validateWorkers(3).bookWorkers(2).reportWorkers(3));
        final ReplayReport.Market market = report.market();

        assertThat(market.linesRead()).isEqualTo(26);
        assertThat(market.trailingBlankLines()).isEqualTo(2);
        assertThat(market.messagesRead()).isEqualTo(24);
        assertThat(market.malformedLines()).isEqualTo(11);
        assertThat(market.firstMalformed()).extracting(ReplayReport.Malformed::line)
            .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 10L, 19L, 20L, 22L);
        assertThat(market.firstMalformed()).extracting(ReplayReport.Malformed::reason)
            .containsExactly(
                "expected 6 comma-separated fields, found 3",
                "price '58x0000' is not an integer",
                "unknown event type 6",
                "size must be positive for type 1, was 0",
                "direction must be 1 (buy) or -1 (sell), was 0",
                "price must be positive for type 1, was -5",
                "blank line",
                "type 7 price must be -1 (halt), 0 (quoting resumes) or 1 (trading resumes), was 2",
                "time is past the end of the day (86400 seconds)",
                "time 'abc' is not decimal seconds");

        assertThat(market.messagesByType()).containsExactly(
            entry(EventType.SUBMIT, 5L),
            entry(EventType.CANCEL, 2L),
            entry(EventType.DELETE, 1L),
            entry(EventType.EXECUTE, 2L),
            entry(EventType.HIDDEN_EXECUTE, 1L),
            entry(EventType.HALT, 2L));
        assertThat(market.unknownOrderEvents()).isEqualTo(4);
        assertThat(market.unknownOrderEventsByType()).containsExactly(
            entry(EventType.CANCEL, 1L),
            entry(EventType.DELETE, 1L),
            entry(EventType.EXECUTE, 1L),
            entry(EventType.HIDDEN_EXECUTE, 1L));
        assertThat(market.bookEdgeCases()).isEqualTo(new ReplayReport.BookEdgeCases(1, 1, 0, 0, 0));
        assertThat(market.halts()).isEqualTo(new ReplayReport.Halts(1, 0, 1));
        assertThat(market.timesRounded()).isEqualTo(1);
        assertThat(market.restingOrders()).isEqualTo(3);
        assertThat(market.trades()).isEqualTo(3);
        assertThat(market.tradedShares()).isEqualTo(100);
        assertThat(market.vwapDollars()).isEqualTo(new BigDecimal("585.600000"));
        assertThat(market.bestBid()).isEqualTo(new ReplayReport.Level(5_850_100, 5));
        assertThat(market.bestAsk()).isEqualTo(new ReplayReport.Level(5_860_000, 5));

        final ReplayReport.Accounting accounting = report.run().accounting();
        assertThat(accounting.balanced()).isTrue();
        assertThat(accounting.submitted()).isEqualTo(24);
        assertThat(accounting.completed()).isEqualTo(13);
        assertThat(accounting.failed()).isEqualTo(11);
        assertThat(accounting.otherFailures()).isZero();

        ReplayTest.assertMatches(report, ReferenceReplay.of(LINES));
        final ReplayReport single = Replay.run(new ReplayOptions().input(ReplayInput.file(file))
            .parseWorkers(1).validateWorkers(1).bookWorkers(1).reportWorkers(1));
        assertThat(single.market()).isEqualTo(market);
    }

    static Path write(
        final Path directory,
        final String name,
        final List<String> lines) throws IOException
    {
        return Files.write(directory.resolve(name), lines, StandardCharsets.UTF_8);
    }
}
