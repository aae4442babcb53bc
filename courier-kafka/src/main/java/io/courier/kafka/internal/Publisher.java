package io.courier.kafka.internal;

import io.courier.CourierException;
import io.courier.InvalidArgumentException;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Sends messages with one shared producer. A send completes when Kafka acknowledged the record
 * (with {@code acks=all}: every in-sync replica has it), and fails retry-safe when it could not
 * be sent in time; a send that timed out may still have been written, so a retry can duplicate
 * it, and consumers drop the duplicate by message id. A reply whose reply topic does not exist
 * fails with {@link ReplyChannelNotFoundException} and creates nothing. Completions run on the producer's I/O
 * thread: what depends on them must not block. Thread-safe.
 */
public final class Publisher implements AutoCloseable {
    private static final Duration REPLY_TOPIC_PATIENCE = Duration.ofSeconds(1);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final Clock clock;

    public Publisher(KafkaProducer<byte[], byte[]> producer, Topics topics, Clock clock) {
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
    }

    /** Sends {@code message} to its channel's topic, creating the topic on first use. */
    public CompletableFuture<Void> send(Message message) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        String topic;
        try {
            if (message.headers().get(MessageHeaders.STATUS).isPresent()) {
                // A reply: its channel is its requester's, created by the requester. Once that
                // topic is gone, so is the requester, and nobody would read the reply; creating
                // the topic would only leave it behind (and a request's reply-to is whatever its
                // sender wrote). Messaging drops the reply, logs and counts it.
                if (!topics.exists(message.channel(), REPLY_TOPIC_PATIENCE)) {
                    return CompletableFuture.failedFuture(new ReplyChannelNotFoundException(message.channel()));
                }
                topic = message.channel();
            } else {
                topic = topics.ensureExists(message.channel());
            }
        } catch (UnavailableException | UnauthenticatedException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            producer.send(Records.write(topic, message, clock), (meta, e) -> {
                if (e == null) {
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(failure(topic, message, e));
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            sent.completeExceptionally(failure(topic, message, e));
        }
        return sent;
    }

    private CourierException failure(String topic, Message message, Exception e) {
        if (topicMissing(e)) {
            // Deleted under the producer (say by an operator): without this, every later send would
            // wait for the topic in the metadata and fail, since the topic is known as created.
            topics.forget(topic);
            return new UnavailableException("Kafka topic " + topic + " is not in the broker's metadata (" + e.getMessage()
                    + "): it was deleted, or Kafka is unreachable; " + message + " was not sent. The next send creates"
                    + " the topic again if it is missing, with the configured partitions: send it again", Map.of(), true, e);
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException) {
            // This message itself is wrong for Kafka, not Kafka away: sent again, it is refused again.
            return new InvalidArgumentException("Kafka refused " + message + " on topic " + topic + ": "
                    + e.getMessage() + " (expected: " + (e instanceof InvalidTopicException
                    ? "a channel name Kafka accepts as a topic" : "a message within maxMessageBytes and the topic's"
                    + " max.message.bytes") + ")");
        }
        if (KafkaTls.isRefusal(e)) {
            return KafkaTls.refused("sending " + message + " on topic " + topic, e);
        }
        if (e instanceof RetriableException || e instanceof TimeoutException) {
            return new UnavailableException("Kafka did not acknowledge " + message + " on topic " + topic + " in time ("
                    + e + "); it may or may not have it: send it again (it keeps its id, so consumers drop a duplicate)",
                    Map.of(), true, e);
        }
        return new UnavailableException("Kafka refused " + message + " on topic " + topic + " (" + e
                + "); sending it again will not help", Map.of(), false, e);
    }

    /** Whether {@code e} says the topic is not there: unknown to the broker, or never found in the metadata. */
    private static boolean topicMissing(Exception e) {
        return e instanceof UnknownTopicOrPartitionException
                || e instanceof TimeoutException && String.valueOf(e.getMessage()).contains("not present in metadata");
    }

    /** Sends what is buffered, waiting up to {@code timeout}, and closes the producer. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
