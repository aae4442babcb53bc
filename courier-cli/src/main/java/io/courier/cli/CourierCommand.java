package io.courier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code courier}: the top-level command; each subcommand is one tool. */
@Command(name = "courier", mixinStandardHelpOptions = true, version = "courier 0.1.0-SNAPSHOT",
        description = "Courier's command line.",
        subcommands = {InstancesCommand.class, CommandLine.HelpCommand.class})
public final class CourierCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs {@code args}; exits with the command's code (0 done, 2 bad arguments, 1 failure). */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for running in place (tests) with its streams set. */
    static CommandLine commandLine() {
        return new CommandLine(new CourierCommand());
    }

    /** Without a subcommand: the usage, as a mistake. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (expected: one of "
                + spec.subcommands().keySet() + ")");
    }
}
