package io.courier.kafka.internal;

import io.courier.Ticker;
import io.courier.kafka.KafkaConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the parts of one broker share. {@code consumers} makes each subscription's consumer from
 * its properties (a plain {@code KafkaConsumer}; tests may wrap it). {@code delivered} holds,
 * per group and partition, the highest offset this broker handed to a handler: an offset at or
 * below it is a redelivery.
 */
public record Context(KafkaConfig config, Topics topics, Publisher publisher, ExecutorService executor, Clock clock,
                      Ticker ticker, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers,
                      Map<String, Long> delivered) {
    public Context(KafkaConfig config, Topics topics, Publisher publisher, ExecutorService executor, Clock clock,
                   Ticker ticker, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this(config, topics, publisher, executor, clock, ticker, consumers, new ConcurrentHashMap<>());
    }

    /** A plain consumer with {@code properties}, reading keys and values as bytes. */
    public static Consumer<byte[], byte[]> kafkaConsumer(Map<String, Object> properties) {
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
