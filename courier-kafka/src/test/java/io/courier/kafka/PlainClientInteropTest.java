package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Courier and programs that use plain kafka-clients read each other's messages. */
class PlainClientInteropTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aPlainConsumerReadsCourierEventsWithTheirHeaders() {
        String channel = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().build());
             Messaging orders = Messaging.builder().name("order-service").broker(broker).codec(JsonCodec.create()).build();
             KafkaConsumer<String, String> plain = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            String id = orders.publish(channel, new OrderCreated("o-1", 1), "o-1");

            // The topic is the channel's name; the plain consumer reads all of it, without a group.
            plain.assign(plain.partitionsFor(channel).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            List<ConsumerRecord<String, String>> got = new CopyOnWriteArrayList<>();
            Poll.until(PATIENCE, "the event read by a plain consumer", () -> {
                plain.poll(Duration.ofMillis(100)).forEach(got::add);
                return !got.isEmpty();
            });

            ConsumerRecord<String, String> r = got.get(0);
            assertThat(r.key()).as("the partition key is the record key").isEqualTo("o-1");
            assertThat(r.value()).contains("\"orderId\":\"o-1\"").contains("\"seq\":1");
            Map<String, String> headers = new HashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(headers).containsEntry("courier-id", id).containsEntry("courier-type", "OrderCreated")
                    .containsEntry("courier-source", "order-service").containsEntry("courier-partition-key", "o-1")
                    .containsEntry("courier-content-type", "application/json").containsEntry("courier-channel", channel);
            assertThat(Long.parseLong(headers.get("courier-timestamp"))).isEqualTo(r.timestamp());
        }
    }

    @Test
    void aPlainProducersRecordIsHandledByACourierSubscriber() throws Exception {
        String channel = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<OrderCreated> handled = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().build());
             Messaging billing = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create()).build();
             KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                     new StringSerializer(), new StringSerializer())) {
            billing.subscribe(channel, OrderCreated.class, "billing", handled::add);

            // Only the type and the media type: no id, channel, key or timestamp headers, which
            // Courier takes from the record.
            ProducerRecord<String, String> record = new ProducerRecord<>(channel, "o-7", "{\"orderId\":\"o-7\",\"seq\":3}");
            record.headers().add("courier-type", "OrderCreated".getBytes(StandardCharsets.UTF_8))
                    .add("courier-content-type", "application/json".getBytes(StandardCharsets.UTF_8));
            plain.send(record).get(20, TimeUnit.SECONDS);

            Poll.until(PATIENCE, "the plain producer's event handled", () -> !handled.isEmpty());
            assertThat(handled).containsExactly(new OrderCreated("o-7", 3));
        }
    }
}
