package io.brigade.examples;

import io.brigade.examples.replay.ReplayCommand;
import io.brigade.examples.skew.SkewCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Entry point of the examples jar: one picocli command whose subcommands are the examples.
 * <p>
 * To add an example, write a picocli {@link Command} class and add it to the {@code subcommands}
 * list below; nothing else needs to change.
 * <pre>{@code
 * java -jar engine-examples/target/brigade-examples.jar replay
 * java -jar engine-examples/target/brigade-examples.jar replay --json
 * java -jar engine-examples/target/brigade-examples.jar help replay
 * }</pre>
 */
@Command(
    name = "brigade-examples",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Runnable examples of the Brigade pipeline engine.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ReplayCommand.class,
        SkewCommand.class,
    })
public final class Main implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * Makes the command line, for callers that want to set its output streams before executing it.
     *
     * @return a fresh command line for {@link Main} and its subcommands.
     */
    public static CommandLine commandLine()
    {
        return new CommandLine(new Main());
    }

    /**
     * Runs when no subcommand is given: a usage error.
     *
     * @return never returns normally.
     */
    public Integer call()
    {
        throw new ParameterException(
            spec.commandLine(), "Missing subcommand: name an example to run");
    }

    /**
     * Reports the version from the jar's manifest, when there is one.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = Main.class.getPackage().getImplementationVersion();

            final String shown = null == version ? "(development build)" : version;

            return new String[] {"brigade-examples " + shown};
        }
    }
}
