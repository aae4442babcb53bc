package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.test.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code courier publish} and {@code courier tail} against an embedded Kafka and the machine's RabbitMQ. */
class MessagingCommandsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** Publishes "old", then tails from now and publishes "new": only "new" shows; the temporary group is gone after. */
    private static void tailShowsWhatIsSentFromNowOn(String broker, String channel) throws Exception {
        Cli old = Cli.run("publish", "--broker", broker, channel, "{\"n\":\"old\"}");
        assertThat(old.exit).as("%s", old).isZero();
        assertThat(old.out.toString()).contains("Sending to " + channel).contains("Confirmed by ");

        Cli tail = new Cli();
        CompletableFuture<Cli> running = Cli.start(tail, "tail", "--broker", broker, channel, "--count", "1");
        Await.until(PATIENCE, () -> "tail following: " + tail, () -> tail.err.toString().contains("Following " + channel));
        Cli sent = Cli.run("publish", "--broker", broker, channel, "{\"n\":\"new\",\"items\":[1,2]}",
                "--key", "o-7", "--type", "OrderCreated", "--header", "x-tenant=acme");
        assertThat(sent.exit).as("%s", sent).isZero();

        Cli done = running.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.exit).as("%s", done).isZero();
        String printed = done.out.toString();
        assertThat(printed).startsWith("--- #1 " + channel).contains("  key: o-7", "  type: OrderCreated",
                "  x-tenant: acme", "\"n\" : \"new\"").doesNotContain("old");
        assertThat(done.err.toString()).contains("Deleted temporary group courier-tail-");
    }

    @Test
    void publishAndTailOnKafka() throws Exception {
        String broker = "kafka=" + kafka.bootstrapServers();
        String channel = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        tailShowsWhatIsSentFromNowOn(broker, channel);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Set<String> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).collect(java.util.stream.Collectors.toSet());
            assertThat(groups).noneMatch(g -> g.startsWith("courier-tail-"));
        }

        Cli all = Cli.run("tail", "--broker", broker, channel, "--from-beginning", "--count", "2");
        assertThat(all.exit).as("%s", all).isZero();
        assertThat(all.out.toString()).contains("--- #1", "--- #2", "\"n\" : \"old\"", "\"n\" : \"new\"");
    }

    @Test
    void publishAndTailOnRabbitMq() throws Exception {
        String host = System.getenv().getOrDefault("RABBITMQ_HOST", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("RABBITMQ_PORT", "5672"));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
        } catch (IOException e) {
            String notice = "no RabbitMQ at " + host + ":" + port + "; RabbitMQ test skipped";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(notice.replace("skipped", "required with CI=true"), e);
            }
            System.err.println(notice);
            Assumptions.abort(notice);
        }
        String channel = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        // RabbitMQ keeps what is sent while a channel has no group for its first group: a real
        // group exists first here, as on a channel in use (docs/cli.md says what tail does otherwise).
        io.courier.rabbitmq.RabbitBroker billing = io.courier.rabbitmq.RabbitBroker.create(
                io.courier.rabbitmq.RabbitConfig.builder().host(host).port(port).build());
        billing.subscribe(channel, "billing", io.courier.messaging.spi.Delivery::nack).close();
        try {
            tailShowsWhatIsSentFromNowOn("rabbitmq=" + host + ":" + port, channel);
        } finally {
            billing.deleteGroup(channel, "billing");
            billing.close();
            com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
            f.setHost(host);
            f.setPort(port);
            try (com.rabbitmq.client.Connection c = f.newConnection()) {
                com.rabbitmq.client.Channel ch = c.createChannel();
                ch.queueDelete(channel + ".unrouted");
                for (String exchange : List.of(channel, channel + ".unrouted")) {
                    ch.exchangeDelete(exchange);
                }
            }
        }
    }

    @Test
    void mistakesExitWithTwoAndSayWhatIsExpected() {
        Cli port = Cli.run("publish", "--broker", "rabbitmq=127.0.0.1:x", "orders", "{}");
        assertThat(port.exit).isEqualTo(2);
        assertThat(port.err.toString()).contains("port \"x\" (expected: kafka=HOST:PORT or rabbitmq=HOST:PORT, the port a number");

        Cli memory = Cli.run("tail", "--broker", "memory", "orders");
        assertThat(memory.exit).isEqualTo(2);
        assertThat(memory.err.toString()).contains("the in-memory broker lives inside one process");

        Cli json = Cli.run("publish", "--broker", "kafka=127.0.0.1:1", "orders", "{\"a\":");
        assertThat(json.exit).isEqualTo(2);
        assertThat(json.err.toString()).contains("JSON: not JSON");

        Cli header = Cli.run("publish", "--broker", "kafka=127.0.0.1:1", "orders", "{}", "--header", "courier-id=1");
        assertThat(header.exit).isEqualTo(2);
        assertThat(header.err.toString()).contains("names beginning courier- are Courier's envelope");

        Cli rabbitHistory = Cli.run("tail", "--broker", "rabbitmq=127.0.0.1:5672", "orders", "--from-beginning");
        assertThat(rabbitHistory.exit).isEqualTo(2);
        assertThat(rabbitHistory.err.toString()).contains("(expected: Kafka)");
    }

    @Test
    void aBrokerThatDoesNotAnswerFailsWithWhatToDo() {
        Cli c = Cli.run("publish", "--broker", "rabbitmq=127.0.0.1:1", "orders", "{}");
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("Not sent:").contains("Check that RabbitMQ at 127.0.0.1:1 answers");

        Cli tail = Cli.run("tail", "--broker", "rabbitmq=127.0.0.1:1", "orders");
        assertThat(tail.exit).as("%s", tail).isEqualTo(1);
        assertThat(tail.err.toString()).contains("Could not follow orders on RabbitMQ at 127.0.0.1:1: cannot connect")
                .contains("Check that RabbitMQ at 127.0.0.1:1 answers");
    }
}
