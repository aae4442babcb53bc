package io.courier.kafka.embedded;

/** The embedded Kafka broker could not start; the message says why. */
public final class EmbeddedKafkaException extends RuntimeException {
    EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
