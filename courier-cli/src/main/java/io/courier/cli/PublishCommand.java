package io.courier.cli;

import io.courier.Metadata;
import io.courier.messaging.Message;
import io.courier.messaging.spi.MessageBroker;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code courier publish <channel> <json>}: sends one JSON message and waits for the broker's confirmation. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Sends one JSON message to a channel and waits until the broker confirms it.",
        footerHeading = "%nExamples:%n",
        footer = {"  courier publish orders '{\"orderId\":\"o-1\"}' --key o-1 --header x-tenant=acme",
                "  courier publish --broker rabbitmq=127.0.0.1:5672 orders '{\"orderId\":\"o-1\"}' --type OrderCreated"})
final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private BrokerOptions broker;

    @Parameters(index = "0", paramLabel = "CHANNEL", description = "The channel (a Kafka topic, a RabbitMQ exchange).")
    private String channel;

    @Parameters(index = "1", paramLabel = "JSON", description = "The payload, one JSON value.")
    private String json;

    @Option(names = "--key", paramLabel = "K", description = "The partition key: messages with one key keep their order.")
    private String key;

    @Option(names = "--type", paramLabel = "T", description = "The message type (what a Courier subscriber matches on).")
    private String type;

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A header; repeat for more.")
    private Map<String, String> headers = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BrokerSpec where = broker.spec();
        Json.parse("JSON", json);
        Metadata.Builder meta = Metadata.builder();
        headers.forEach((name, value) -> {
            if (name.toLowerCase(java.util.Locale.ROOT).startsWith("courier-")) {
                throw new IllegalArgumentException("--header " + name + ": names beginning courier- are Courier's envelope"
                        + " (expected: a header of your own; use --key and --type for the envelope)");
            }
            meta.add(name, value);
        });
        Message message = Message.builder().channel(channel).partitionKey(key).type(type).source("courier-cli")
                .contentType("application/json").headers(meta.build())
                .payload(json.getBytes(StandardCharsets.UTF_8)).build();
        out.println("Sending to " + channel + " on " + where + ":");
        out.print(TailCommand.block(message, 0));
        out.flush();
        long start = System.nanoTime();
        try (MessageBroker b = where.open()) {
            b.send(message).get();
        } catch (ExecutionException e) {
            spec.commandLine().getErr().println("Not sent: " + e.getCause().getMessage() + "\nCheck that " + where
                    + " answers, or name another broker with --broker or COURIER_BROKER.");
            return 1;
        }
        out.printf("Confirmed by %s in %d ms (id %s).%n", where, (System.nanoTime() - start) / 1_000_000, message.id());
        return 0;
    }
}
