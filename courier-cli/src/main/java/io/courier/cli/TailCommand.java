package io.courier.cli;

import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.MessageBroker;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code courier tail <channel>}: prints the messages sent to a channel, one block each, until
 * {@code --count} or Ctrl-C. Without {@code --group} it reads as a temporary group of its own,
 * deleted when it stops.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints the messages sent to a channel, headers and payload, one block each, until --count or Ctrl-C.",
                "Without --group it reads as a temporary group, from now on (or --from-beginning, on Kafka), and deletes"
                        + " that group when it stops. With --group it joins that group: it shares the messages with the"
                        + " group's other members and acknowledges what it prints."},
        footerHeading = "%nExamples:%n",
        footer = {"  courier tail orders", "  courier tail orders --from-beginning --count 10",
                "  courier tail --broker rabbitmq=127.0.0.1:5672 orders"})
final class TailCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private BrokerOptions broker;

    @Parameters(index = "0", paramLabel = "CHANNEL", description = "The channel to follow.")
    private String channel;

    @Option(names = "--group", paramLabel = "G", description = "Join this group instead of a temporary one (kept when tail stops).")
    private String group;

    @Option(names = "--from-beginning", description = "Kafka only: start at the oldest message kept, not at the end.")
    private boolean fromBeginning;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages (default: follow until Ctrl-C).")
    private int count;

    @Override
    public Integer call() throws Exception {
        BrokerSpec where = broker.spec();
        if (count < 0) {
            throw new IllegalArgumentException("--count " + count + " (expected: a number of messages, 1 or more)");
        }
        if (fromBeginning && (group != null || where.kind() == BrokerSpec.Kind.RABBITMQ)) {
            throw new IllegalArgumentException("--from-beginning: " + (group != null
                    ? "a named group resumes where it is (expected: --from-beginning without --group)"
                    : "a new RabbitMQ group gets only what is sent after it subscribed (expected: Kafka)"));
        }
        boolean temporary = group == null;
        String g = temporary ? "courier-tail-" + UUID.randomUUID().toString().substring(0, 8) : group;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CountDownLatch cleaned = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.complete(null);
            try {
                cleaned.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "courier-tail-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        AtomicInteger seen = new AtomicInteger();
        try (MessageBroker b = where.open()) {
            Subscription s;
            try {
                if (temporary && !fromBeginning) {
                    where.startAtEnd(channel, g);
                }
                s = b.subscribe(channel, g, d -> handle(d, seen, out, stop));
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                err.println("Could not follow " + channel + " on " + where + ": " + cause.getMessage() + "\nCheck that "
                        + where + " answers, or name another broker with --broker or COURIER_BROKER.");
                if (temporary) {
                    try {
                        where.deleteGroup(b, channel, g); // its offsets may have been set before the failure
                    } catch (Exception ignored) {
                        // the broker does not answer: there is nothing of ours on it either
                    }
                }
                return 1;
            }
            err.println("Following " + channel + " on " + where + " as " + (temporary ? "temporary " : "") + "group " + g
                    + (count > 0 ? " for " + count + " message(s)" : "") + "; Ctrl-C to stop.");
            err.flush();
            try {
                stop.join();
            } finally {
                s.close();
                if (temporary) {
                    where.deleteGroup(b, channel, g);
                    err.println("Deleted temporary group " + g + ".");
                }
            }
        } finally {
            cleaned.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
        }
        return 0;
    }

    private void handle(io.courier.messaging.spi.Delivery d, AtomicInteger seen, PrintWriter out, CompletableFuture<Void> stop) {
        int n = seen.incrementAndGet();
        if (count > 0 && n > count) {
            d.nack(); // not ours to take: another member of a named group gets it again
            return;
        }
        synchronized (out) {
            out.print(block(d.message(), n));
            out.flush();
        }
        d.ack();
        if (count > 0 && n == count) {
            stop.complete(null);
        }
    }

    /**
     * One message for people: a header line, the envelope and headers, the payload; what the
     * sender wrote has its control characters escaped.
     */
    static String block(Message m, int n) {
        StringBuilder b = new StringBuilder();
        if (n > 0) {
            b.append("--- #").append(n).append(' ').append(Printable.line(m.channel())).append(' ').append(m.timestamp())
                    .append('\n');
        }
        line(b, "id", m.id());
        m.type().ifPresent(v -> line(b, "type", v));
        m.partitionKey().ifPresent(v -> line(b, "key", v));
        m.source().ifPresent(v -> line(b, "source", v));
        m.correlationId().ifPresent(v -> line(b, "correlation-id", v));
        m.replyTo().ifPresent(v -> line(b, "reply-to", v));
        m.contentType().ifPresent(v -> line(b, "content-type", v));
        for (String name : m.headers().names()) {
            List<String> values = m.headers().getAll(name);
            values.forEach(v -> line(b, name, v));
        }
        b.append(Json.show(m.payload())).append("\n");
        return b.toString();
    }

    private static void line(StringBuilder b, String name, String value) {
        // The sender wrote these: control characters are shown escaped, never obeyed by the terminal.
        b.append("  ").append(Printable.line(name)).append(": ").append(Printable.line(value)).append('\n');
    }
}
