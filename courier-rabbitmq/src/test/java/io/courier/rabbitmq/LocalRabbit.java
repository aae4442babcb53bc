package io.courier.rabbitmq;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The RabbitMQ the tests run against ({@code RABBITMQ_HOST}/{@code RABBITMQ_PORT}, by default
 * 127.0.0.1:5672 with guest/guest). Without one, tests are skipped with a one-line notice, or
 * fail when {@code CI=true}. Each test's brokers get a namespace of their own, and everything
 * they declared is deleted after the test (registered as an extension, this runs after the
 * tests' own {@code @AfterEach} methods, once the brokers are closed).
 */
final class LocalRabbit implements AfterEachCallback {
    static final String HOST = System.getenv().getOrDefault("RABBITMQ_HOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(System.getenv().getOrDefault("RABBITMQ_PORT", "5672"));

    private static final java.util.concurrent.atomic.AtomicBoolean NOTICE_SHOWN = new java.util.concurrent.atomic.AtomicBoolean();

    private final List<RabbitBroker> brokers = new ArrayList<>();
    private final List<String> extraQueues = new ArrayList<>();
    private final List<String> extraExchanges = new ArrayList<>();
    private String namespace;

    /** Skips the test, or fails it on CI, when no RabbitMQ listens. */
    static void require() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 1_000);
        } catch (IOException e) {
            String notice = "no RabbitMQ at " + HOST + ":" + PORT + " (" + e.getMessage() + "); RabbitMQ tests skipped";
            if ("true".equals(System.getenv("CI"))) {
                fail(notice.replace("skipped", "required with CI=true"));
            }
            if (!NOTICE_SHOWN.getAndSet(true)) {
                System.err.println(notice);
            }
            abort(notice);
        }
    }

    /** This test's configuration: the local broker, a namespace of its own, quick rebalancing. */
    RabbitConfig.Builder config() {
        require();
        if (namespace == null) {
            namespace = "courier-test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        }
        return RabbitConfig.builder().host(HOST).port(PORT).namespace(namespace)
                .rebalanceInterval(java.time.Duration.ofMillis(200));
    }

    /** A broker of this test, whose exchanges and queues are deleted after it. */
    RabbitBroker broker() {
        return broker(config().build());
    }

    RabbitBroker broker(RabbitConfig config) {
        RabbitBroker b = RabbitBroker.create(config);
        synchronized (brokers) {
            brokers.add(b);
        }
        return b;
    }

    /** Deletes {@code queue} after the test too (one declared by a plain client). */
    void deleteQueueAfter(String queue) {
        extraQueues.add(queue);
    }

    /** Deletes {@code exchange} after the test too. */
    void deleteExchangeAfter(String exchange) {
        extraExchanges.add(exchange);
    }

    /**
     * Deletes after the test what another process declared for {@code group} on {@code channel}
     * with {@code config}: its queues, and the exchanges of the channel and its dead letters.
     */
    void deleteGroupAfter(RabbitConfig config, String channel, String group) {
        io.courier.rabbitmq.internal.Names names = new io.courier.rabbitmq.internal.Names(config.namespace(), config.partitions());
        for (int p = 0; p < config.partitions(); p++) {
            extraQueues.add(names.partitionQueue(channel, group, p));
        }
        extraQueues.add(names.membersQueue(channel, group));
        for (String ch : List.of(channel, io.courier.messaging.Messaging.deadLetterChannel(channel, group))) {
            extraQueues.add(names.unrouted(ch));
            extraExchanges.add(names.unrouted(ch));
            extraExchanges.add(names.exchange(ch));
        }
    }

    /** A plain AMQP connection, as a program without Courier would open. */
    static Connection plainConnection() throws IOException, TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        return f.newConnection("plain-client");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<String> queues = new ArrayList<>(extraQueues);
        List<String> exchanges = new ArrayList<>(extraExchanges);
        synchronized (brokers) {
            for (RabbitBroker b : brokers) {
                b.close();
                queues.addAll(b.declaredQueues());
                exchanges.addAll(b.declaredExchanges());
            }
            brokers.clear();
        }
        extraQueues.clear();
        extraExchanges.clear();
        namespace = null;
        if (queues.isEmpty() && exchanges.isEmpty()) {
            return;
        }
        try (Connection c = plainConnection(); Channel ch = c.createChannel()) {
            for (String q : queues) {
                ch.queueDelete(q);
            }
            for (String e : exchanges) {
                ch.exchangeDelete(e);
            }
        }
    }
}
