package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Courier and programs that use the plain RabbitMQ Java client read each other's messages. */
class PlainClientInteropTest {
    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void aPlainClientsMessageIsHandledByACourierSubscriber() throws Exception {
        RabbitBroker broker = rabbit.broker();
        List<OrderCreated> handled = new CopyOnWriteArrayList<>();
        try (Messaging billing = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create()).build()) {
            billing.subscribe("orders", OrderCreated.class, "billing", handled::add);

            try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("plain-1")
                        .type("OrderCreated").contentType("application/json").deliveryMode(2).build();
                // The exchange is the namespace plus the channel; the routing key picks a partition.
                ch.basicPublish(broker.config().namespace() + "orders", "0", props,
                        "{\"orderId\":\"o-7\",\"seq\":3}".getBytes(StandardCharsets.UTF_8));
            }

            Await.until(Duration.ofSeconds(10), "the plain client's event handled", () -> !handled.isEmpty());
            assertThat(handled).containsExactly(new OrderCreated("o-7", 3));
        }
    }

    @Test
    void aPlainClientsHeadersWrittenAsByteArraysAreReadAsTheirUtf8Text() throws Exception {
        RabbitBroker broker = rabbit.broker();
        List<Message> got = new CopyOnWriteArrayList<>();
        broker.subscribe("orders", "billing", d -> { got.add(d.message()); d.ack(); });

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            // A client that writes its header values as bytes (AMQP field type 'x'), the same message twice.
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().type("OrderCreated")
                    .headers(Map.of("courier-id", bytes("plain-7"), "courier-partition-key", bytes("o-7"),
                            "x-tenant", List.of(bytes("acme"), bytes("ünï")))).build();
            ch.basicPublish(broker.config().namespace() + "orders", "0", props, bytes("{}"));
            ch.basicPublish(broker.config().namespace() + "orders", "0", props, bytes("{}"));
        }

        Await.until(Duration.ofSeconds(10), "both messages", () -> got.size() == 2);
        assertThat(got).allSatisfy(m -> {
            assertThat(m.id()).as("the same id each time, for deduplication").isEqualTo("plain-7");
            assertThat(m.partitionKey()).as("the same key each time, for order").hasValue("o-7");
            assertThat(m.headers().getAll("x-tenant")).containsExactly("acme", "ünï");
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainConsumerReadsCourierEventsWithTheirHeaders() throws Exception {
        RabbitBroker broker = rabbit.broker();
        String exchange = broker.config().namespace() + "orders";
        try (Messaging orders = Messaging.builder().name("order-service").broker(broker).codec(JsonCodec.create()).build();
             Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            orders.publish("orders", new OrderCreated("o-0", 0), "o-0"); // declares the exchange
            String queue = ch.queueDeclare().getQueue(); // exclusive, gone with the connection
            ch.queueBind(queue, exchange, "#");

            String id = orders.publish("orders", new OrderCreated("o-1", 1), "o-1");

            AtomicReference<GetResponse> got = new AtomicReference<>();
            Await.until(Duration.ofSeconds(10), "the event in the plain queue", () -> {
                try {
                    got.set(ch.basicGet(queue, true));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
                return got.get() != null;
            });
            GetResponse r = got.get();
            // What AMQP has a property for travels there, where a plain client looks; the rest as courier-* headers.
            assertThat(r.getProps().getMessageId()).isEqualTo(id);
            assertThat(r.getProps().getType()).isEqualTo("OrderCreated");
            assertThat(r.getProps().getAppId()).as("the source").isEqualTo("order-service");
            assertThat(r.getProps().getContentType()).isEqualTo("application/json");
            assertThat(r.getProps().getTimestamp()).isNotNull();
            Map<String, Object> headers = r.getProps().getHeaders();
            assertThat(String.valueOf(headers.get("courier-partition-key"))).isEqualTo("o-1");
            assertThat(Long.parseLong(String.valueOf(headers.get("courier-timestamp"))) / 1000)
                    .as("the timestamp in milliseconds").isEqualTo(r.getProps().getTimestamp().getTime() / 1000);
            assertThat(headers).as("each field written once").doesNotContainKeys("courier-id", "courier-type",
                    "courier-source", "courier-content-type", "courier-channel");
            assertThat(r.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
            assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).contains("\"orderId\":\"o-1\"").contains("\"seq\":1");
        }
    }
}
