package io.brigade.examples.replay;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The {@code replay} subcommand: runs {@link Replay} and prints its report as text or JSON.
 * <p>
 * Exit codes: 0 done; 1 the input could not be read; 2 a bad option; 3 the report printed but
 * its accounting does not balance.
 */
@Command(
    name = "replay",
    sortOptions = false,
    description = {
        "Replays a LOBSTER message file through parse, validate, book and report stages and prints "
            + "what the order book and the engine did.",
        "With no options it replays the bundled sample: AAPL, 2012-06-21, 09:30-10:30, "
            + "91,997 messages."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done",
        "1:the input could not be read",
        "2:a bad option or setting",
        "3:the report printed, but its accounting does not balance"
    })
public final class ReplayCommand implements Callable<Integer>
{
    /** Exit code when the input cannot be read. */
    public static final int EXIT_INPUT_ERROR = 1;

    /** Exit code for an option or setting the replay or the engine refuses. */
    public static final int EXIT_USAGE_ERROR = 2;

    /** Exit code when the report's accounting does not balance. */
    public static final int EXIT_ACCOUNTING_MISMATCH = 3;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "PATH",
        description = "LOBSTER message file, plain or gzip (recognised by content). "
            + "Default: the bundled sample.")
    private Path input;

    @Option(names = "--parse-workers", paramLabel = "N",
        description = "Workers of the parse stage (default ${DEFAULT-VALUE}).")
    private int parseWorkers = ReplayOptions.PARSE_WORKERS_DEFAULT;

    @Option(names = "--validate-workers", paramLabel = "N",
        description = "Workers of the validate stage (default ${DEFAULT-VALUE}).")
    private int validateWorkers = ReplayOptions.VALIDATE_WORKERS_DEFAULT;

    @Option(names = "--book-workers", paramLabel = "N",
        description = "Workers of the book stage (default ${DEFAULT-VALUE}).")
    private int bookWorkers = ReplayOptions.BOOK_WORKERS_DEFAULT;

    @Option(names = "--report-workers", paramLabel = "N",
        description = "Workers of the report stage (default ${DEFAULT-VALUE}).")
    private int reportWorkers = ReplayOptions.REPORT_WORKERS_DEFAULT;

    @Option(names = "--ring-size", paramLabel = "SLOTS",
        description = "Slots in each worker's ring, a power of two (default ${DEFAULT-VALUE}).")
    private int ringSize = ReplayOptions.RING_SIZE_DEFAULT;

    @Option(names = "--samples", paramLabel = "N",
        description = "Malformed lines and other failures to list, lowest line numbers first "
            + "(default ${DEFAULT-VALUE}).")
    private int samples = ReplayOptions.SAMPLES_DEFAULT;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    private boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /**
     * Runs the replay and prints its report.
     *
     * @return the exit code.
     */
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ReplayReport report;
        try
        {
            final ReplayOptions options = new ReplayOptions()
                .input(null == input ? ReplayInput.bundled() : ReplayInput.file(input))
                .parseWorkers(parseWorkers)
                .validateWorkers(validateWorkers)
                .bookWorkers(bookWorkers)
                .reportWorkers(reportWorkers)
                .ringSize(ringSize)
                .samples(samples);
            report = Replay.run(options);
        }
        catch (final ReplayException ex)
        {
            err.println("replay: " + ex.getMessage());
            err.flush();
            return EXIT_INPUT_ERROR;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("replay: invalid setting: " + ex.getMessage());
            err.flush();
            return EXIT_USAGE_ERROR;
        }

        out.println(json ? ReportJson.format(report) : ReportText.format(report));
        out.flush();
        if (!report.run().accounting().balanced())
        {
            err.println(
                "replay: the accounting does not balance; see the accounting lines of the report");
            err.flush();
            return EXIT_ACCOUNTING_MISMATCH;
        }

        return 0;
    }
}
