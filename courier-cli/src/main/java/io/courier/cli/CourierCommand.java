package io.courier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code courier}: the top-level command; each subcommand is one tool. */
@Command(name = "courier", mixinStandardHelpOptions = true, version = "courier 0.1.0-SNAPSHOT",
        description = "Courier's command line: call services, see what discovery knows, send and follow messages,"
                + " export and compare contracts.",
        footerHeading = "%nExamples:%n",
        footer = {"  courier call greeter greet '{\"name\":\"Ada\"}'", "  courier instances consumer",
                "  courier publish orders '{\"orderId\":\"o-1\"}' --broker kafka=127.0.0.1:9092",
                "  courier tail orders --count 5",
                "  courier contract check orders-api-1.4.jar orders-api-1.5.jar --class com.acme.OrderService",
                "  courier contract check build/contracts-1.4 build/contracts-1.5",
                "  courier help tail", "",
                "Exit status: 0 done, 1 failed (the call, the broker; for contract check, a breaking change), 2 a"
                        + " mistake in the command line, 3 a contract file that cannot be read.",
                "Colours only on a terminal. Docs: docs/cli.md"},
        subcommands = {CallCommand.class, InstancesCommand.class, PublishCommand.class, TailCommand.class,
                ContractCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class CourierCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs {@code args}; exits with the command's code (0 done, 2 bad arguments, 1 failure). */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for running in place (tests) with its streams set. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CourierCommand());
        // A bad value found while running (not while parsing) is still the user's mistake: 2, and
        // its message, without a stack trace; anything else failed: 1, and what failed.
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("courier " + line.getCommandName() + ": "
                    + Printable.text(e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    /** Without a subcommand: the usage, as a mistake. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (expected: one of "
                + spec.subcommands().keySet() + ")");
    }
}
