package io.courier.kafka.internal;

import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A Courier {@link Message} as a Kafka record and back. The partition key is the record key, so
 * Kafka's own partitioner keeps a key's messages in one partition and plain clients agree on it;
 * the envelope and user headers are record headers with UTF-8 values (a header with several
 * values is repeated, in order); the payload is the record value. A plain producer's record,
 * without Courier's headers, is read with an id made from its topic, partition and offset (the
 * same on every redelivery, so the idempotent consumer recognises it), its key as partition key
 * and its timestamp.
 */
public final class Records {
    private Records() {
    }

    /** The record of {@code message} for {@code topic}. */
    public static ProducerRecord<byte[], byte[]> write(String topic, Message message, Clock clock) {
        RecordHeaders headers = new RecordHeaders();
        MessageHeaders.write(message, clock).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        byte[] key = message.partitionKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        return new ProducerRecord<>(topic, null, message.timestamp().toEpochMilli(), key, message.payload(), headers);
    }

    /** The headers of {@code record} as Courier reads them, with what a plain producer's record lacks filled in. */
    public static Metadata headers(String channel, ConsumerRecord<byte[], byte[]> record) {
        Metadata.Builder b = Metadata.builder();
        for (Header h : record.headers()) {
            b.add(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        Metadata m = b.build();
        m = orElse(m, MessageHeaders.ID, id(record));
        m = orElse(m, MessageHeaders.CHANNEL, channel);
        if (record.key() != null) {
            m = orElse(m, MessageHeaders.PARTITION_KEY, new String(record.key(), StandardCharsets.UTF_8));
        }
        if (record.timestamp() >= 0) {
            m = orElse(m, MessageHeaders.TIMESTAMP, Long.toString(record.timestamp()));
        }
        return m;
    }

    /** The id of a record that carries none: its topic, partition and offset, the same on every redelivery. */
    public static String id(ConsumerRecord<byte[], byte[]> record) {
        return "kafka:" + record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * The message of {@code record}, consumed on {@code channel}.
     *
     * @throws IllegalArgumentException when a Courier header is malformed
     */
    public static Message read(String channel, ConsumerRecord<byte[], byte[]> record, Clock clock, Ticker ticker) {
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        return MessageHeaders.read(headers(channel, record), payload, clock, ticker);
    }

    private static Metadata orElse(Metadata h, String name, String value) {
        return h.get(name).isPresent() ? h : h.with(name, value);
    }
}
