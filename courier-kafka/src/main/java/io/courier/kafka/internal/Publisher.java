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
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * fails with {@link ReplyChannelNotFoundException} and creates nothing. A send whose topic is
 * gone (Kafka answers it is unknown, or, after a timeout, a bounded lookup finds it missing)
 * fails retry-safe naming the topic, and the next send creates it again. Successes complete on
 * the producer's I/O thread, failures on it or on the broker's executor: what depends on them
 * must not block. Thread-safe.
 */
public final class Publisher implements AutoCloseable {
    private static final Duration REPLY_TOPIC_PATIENCE = Duration.ofSeconds(1);
    /** How long a failed send waits, at most, for Kafka to say whether its topic exists. */
    private static final Duration LOOKUP_BOUND = Duration.ofSeconds(5);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final Clock clock;
    private final Executor executor;
    private final Duration lookupBound;

    /**
     * A publisher sending with {@code producer}; a send that timed out asks Kafka whether its
     * topic exists for up to 5 s (at most {@code readyTimeout}), and fails on {@code executor}.
     */
    public Publisher(KafkaProducer<byte[], byte[]> producer, Topics topics, Clock clock, Executor executor,
                     Duration readyTimeout) {
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
        // Once the broker's threads have stopped (closing), a failure still completes, on the thread that has it.
        this.executor = task -> {
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
        this.lookupBound = readyTimeout.compareTo(LOOKUP_BOUND) < 0 ? readyTimeout : LOOKUP_BOUND;
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
                    fail(topic, message, e, sent);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            fail(topic, message, e, sent);
        }
        return sent;
    }

    /**
     * Completes {@code sent} with the failure {@code e} means. A timeout (the topic's metadata
     * never came, or the record's batch expired) says nothing of why by its type, so Kafka is
     * then asked whether the topic exists, bounded, and the answer decides; its text is never
     * read. Completes {@code sent} on the broker's executor when a lookup was needed.
     */
    private void fail(String topic, Message message, Exception e, CompletableFuture<Void> sent) {
        if (Topics.causedBy(e, UnknownTopicOrPartitionException.class)) {
            sent.completeExceptionally(missing(topic, message, e)); // Kafka said so itself
            return;
        }
        if (KafkaTls.isRefusal(e) || !Topics.causedBy(e, TimeoutException.class)) {
            sent.completeExceptionally(failure(topic, message, e));
            return;
        }
        topics.lookUp(topic, lookupBound).whenCompleteAsync((exists, lookupFailure) -> {
            if (lookupFailure == null && !exists) {
                sent.completeExceptionally(missing(topic, message, e));
            } else if (lookupFailure != null) {
                sent.completeExceptionally(new UnavailableException("Kafka did not acknowledge " + message + " on topic "
                        + topic + " in time (" + e + "), and did not say within " + lookupBound.toMillis() + " ms whether"
                        + " the topic exists (" + unwrap(lookupFailure) + "): Kafka is unreachable or overloaded; it may"
                        + " or may not have the message: send it again (it keeps its id, so consumers drop a duplicate)",
                        Map.of(), true, e));
            } else {
                sent.completeExceptionally(failure(topic, message, e));
            }
        }, executor);
    }

    private UnavailableException missing(String topic, Message message, Exception e) {
        // Deleted under the producer (say by an operator): without this, every later send would
        // wait for the topic in the metadata and fail, since the topic is known as created.
        topics.forget(topic);
        return new UnavailableException("Kafka topic " + topic + " does not exist (deleted on the broker?); " + message
                + " was not sent (" + e + "). The next send creates the topic again with the configured partitions:"
                + " send it again", Map.of(), true, e);
    }

    private CourierException failure(String topic, Message message, Exception e) {
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

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
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
