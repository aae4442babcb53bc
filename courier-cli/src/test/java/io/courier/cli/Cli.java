package io.courier.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** One run of the command line in this JVM, with what it printed. */
final class Cli {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    int exit = -1;

    /** Runs {@code args} to the end. */
    static Cli run(String... args) {
        Cli c = new Cli();
        CommandLine cli = CourierCommand.commandLine();
        cli.setOut(new PrintWriter(c.out, true));
        cli.setErr(new PrintWriter(c.err, true));
        c.exit = cli.execute(args);
        return c;
    }

    /** Runs {@code args} on another thread (a command that follows something). */
    static CompletableFuture<Cli> start(Cli c, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            CommandLine cli = CourierCommand.commandLine();
            cli.setOut(new PrintWriter(c.out, true));
            cli.setErr(new PrintWriter(c.err, true));
            c.exit = cli.execute(args);
            return c;
        }, r -> Thread.ofPlatform().name("cli-under-test").start(r));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nout:\n" + out + "\nerr:\n" + err;
    }
}
