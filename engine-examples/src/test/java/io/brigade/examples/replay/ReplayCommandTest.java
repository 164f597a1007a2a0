package io.brigade.examples.replay;

import io.brigade.examples.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest
{
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    @Timeout(30)
    void shouldExplainAndExitNonZeroWhenInputIsMissing()
    {
        final Path missing = directory.resolve("NOPE_missing.csv");

        final int exitCode = execute("replay", "--input", missing.toString());

        assertThat(exitCode).isEqualTo(ReplayCommand.EXIT_INPUT_ERROR);
        assertThat(err.toString())
            .isEqualTo("replay: cannot read input '" + missing + "': no such file" +
                System.lineSeparator())
            .doesNotContain("Exception")
            .doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    @Timeout(30)
    void shouldExitWithUsageErrorWhenEngineRefusesRingSize()
    {
        final int exitCode = execute("replay", "--ring-size", "1000");

        assertThat(exitCode).isEqualTo(ReplayCommand.EXIT_USAGE_ERROR);
        assertThat(err.toString())
            .startsWith("replay: invalid setting: ")
            .contains("ringSize")
            .contains("1000");
    }

    @Test
    @Timeout(30)
    void shouldExitWithUsageErrorWhenNoSubcommandIsGiven()
    {
        assertThat(execute()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing subcommand").contains("replay");
    }

    @Test
    @Timeout(120)
    void shouldReplayBundledSampleWhenRunWithNoArguments()
    {
        final int exitCode = execute("replay");

        assertThat(exitCode).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString())
            .contains("replay of AAPL from bundled:lobster/")
            .contains("messages read:            91997\n")
            .contains("submitted 91997 = completed 91997 + failed 0: OK");
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        return commandLine.execute(args);
    }
}
