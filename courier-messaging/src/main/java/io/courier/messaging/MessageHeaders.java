package io.courier.messaging;

import io.courier.Deadline;
import io.courier.Metadata;
import io.courier.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The one header naming scheme for brokers that carry headers as strings (Kafka record headers,
 * AMQP properties): how a {@link Message}'s envelope is written as headers and read back.
 *
 * <p>Envelope fields are {@code courier-}-prefixed; the trace context uses the W3C name
 * {@code traceparent} so that tracing tools that read it find it. Every other header is a user
 * header and travels unchanged. Names beginning {@code courier-} are reserved for Courier: the
 * envelope, and the reply and dead-letter headers below, which {@link Messaging} writes as
 * ordinary headers of the message.
 *
 * <p>The deadline is written as an <em>absolute</em> time, milliseconds since the epoch, not as a
 * relative timeout like {@code courier-timeout} over RPC: a message waits in the broker for a
 * time nobody knows when it is sent, and a relative timeout would start again on every
 * redelivery. This assumes the clocks of sender and receiver agree to well under the timeouts
 * used, as NTP gives.
 *
 * <pre>{@code
 * Metadata headers = MessageHeaders.write(message, clock);        // in the adapter's send
 * Message received = MessageHeaders.read(headers, bytes, clock, Ticker.system()); // in its consumer
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageHeaders {
    /**
     * {@link Message#id()}; also in the call metadata client interceptors see for a published
     * event, so they can name the message it becomes.
     */
    public static final String ID = "courier-id";
    /** {@link Message#type()}. */
    public static final String TYPE = "courier-type";
    /** {@link Message#source()}. */
    public static final String SOURCE = "courier-source";
    /** {@link Message#channel()}. */
    public static final String CHANNEL = "courier-channel";
    /** {@link Message#correlationId()}. */
    public static final String CORRELATION_ID = "courier-correlation-id";
    /** {@link Message#replyTo()}. */
    public static final String REPLY_TO = "courier-reply-to";
    /** {@link Message#partitionKey()}. */
    public static final String PARTITION_KEY = "courier-partition-key";
    /** {@link Message#deadline()}, as milliseconds since the epoch. */
    public static final String DEADLINE = "courier-deadline";
    /** {@link Message#traceContext()}: the W3C trace context header name. */
    public static final String TRACE_CONTEXT = "traceparent";
    /** {@link Message#contentType()}. */
    public static final String CONTENT_TYPE = "courier-content-type";
    /** {@link Message#timestamp()}, as milliseconds since the epoch. */
    public static final String TIMESTAMP = "courier-timestamp";

    /** On a reply: the {@link io.courier.Status} name, {@code OK} for a result. */
    public static final String STATUS = "courier-status";
    /** On a scatter-gather reply: the responder that sent it (its group), one reply counted per responder. */
    public static final String RESPONDER = "courier-responder";
    /** On an error reply: the error's message. */
    public static final String ERROR_MESSAGE = "courier-error-message";
    /** On an error reply: whether a retry is safe ({@code true} or {@code false}). */
    public static final String ERROR_RETRY_SAFE = "courier-error-retry-safe";
    /** On an error reply: prefix of one header per error detail, e.g. {@code courier-error-detail-order}. */
    public static final String ERROR_DETAIL_PREFIX = "courier-error-detail-";
    /** On a command: prefix of one header per path, query or header parameter of the method. */
    public static final String PARAMETER_PREFIX = "courier-param-";

    /** On a dead letter: why it was dead-lettered. */
    public static final String DEAD_LETTER_REASON = "courier-dead-letter-reason";
    /** On a dead letter: how many times handling was attempted. */
    public static final String DEAD_LETTER_ATTEMPTS = "courier-dead-letter-attempts";
    /** On a dead letter: the channel it was first sent to (where a replay sends it again). */
    public static final String DEAD_LETTER_CHANNEL = "courier-dead-letter-channel";
    /** On a dead letter: the subscriber group that gave up on it. */
    public static final String DEAD_LETTER_GROUP = "courier-dead-letter-group";
    /** On a replayed dead letter: the only group that handles it (the others of the channel skip it). */
    public static final String REPLAY_GROUP = "courier-replay-group";

    private static final Set<String> ENVELOPE = Set.of(ID, TYPE, SOURCE, CHANNEL, CORRELATION_ID, REPLY_TO,
            PARTITION_KEY, DEADLINE, TRACE_CONTEXT, CONTENT_TYPE, TIMESTAMP);

    private MessageHeaders() {
    }

    /**
     * The headers of {@code message}: its envelope, then its user headers. The deadline is
     * converted to an absolute time with {@code clock}.
     */
    public static Metadata write(Message message, Clock clock) {
        Metadata.Builder h = Metadata.builder().add(ID, message.id()).add(CHANNEL, message.channel())
                .add(TIMESTAMP, Long.toString(message.timestamp().toEpochMilli()));
        add(h, TYPE, message.type());
        add(h, SOURCE, message.source());
        add(h, CORRELATION_ID, message.correlationId());
        add(h, REPLY_TO, message.replyTo());
        add(h, PARTITION_KEY, message.partitionKey());
        add(h, TRACE_CONTEXT, message.traceContext());
        add(h, CONTENT_TYPE, message.contentType());
        if (message.deadline().isPresent()) {
            long remainingMillis = Math.ceilDiv(message.deadline().get().remainingNanos(), 1_000_000L);
            h.add(DEADLINE, Long.toString(clock.millis() + remainingMillis));
        }
        message.headers().forEach((name, value) -> {
            if (!ENVELOPE.contains(name)) { // the envelope field wins over a user header that imitates it
                h.add(name, value);
            }
        });
        return h.build();
    }

    /**
     * The message whose headers and payload were received. The deadline becomes a
     * {@link Deadline} on {@code ticker}, with what is left of it now by {@code clock}.
     *
     * @throws IllegalArgumentException naming the header, when {@code courier-id} or
     *         {@code courier-channel} is missing or a time header is not a number
     */
    public static Message read(Metadata headers, byte[] payload, Clock clock, Ticker ticker) {
        Message.Builder b = Message.builder()
                .id(require(headers, ID))
                .channel(require(headers, CHANNEL))
                .type(headers.get(TYPE).orElse(null))
                .source(headers.get(SOURCE).orElse(null))
                .correlationId(headers.get(CORRELATION_ID).orElse(null))
                .replyTo(headers.get(REPLY_TO).orElse(null))
                .partitionKey(headers.get(PARTITION_KEY).orElse(null))
                .traceContext(headers.get(TRACE_CONTEXT).orElse(null))
                .contentType(headers.get(CONTENT_TYPE).orElse(null))
                .payload(payload);
        headers.get(TIMESTAMP).ifPresent(t -> b.timestamp(Instant.ofEpochMilli(millis(TIMESTAMP, t))));
        headers.get(DEADLINE).ifPresent(d -> b.deadline(
                Deadline.after(Duration.ofMillis(remainingMillis(millis(DEADLINE, d), clock.millis())), ticker)));
        Metadata.Builder user = Metadata.builder();
        headers.forEach((name, value) -> {
            if (!ENVELOPE.contains(name)) {
                user.add(name, value);
            }
        });
        return b.headers(user.build()).build();
    }

    private static void add(Metadata.Builder h, String name, Optional<String> value) {
        if (value.isPresent()) {
            h.add(name, value.get());
        }
    }

    private static String require(Metadata headers, String name) {
        return headers.get(name).orElseThrow(() -> new IllegalArgumentException(
                "header " + name + ": missing (expected: every Courier message carries it)"));
    }

    /**
     * What is left until {@code deadline}, saturated: a deadline far in the past must not wrap
     * around into one far in the future (a message that never expires).
     */
    private static long remainingMillis(long deadline, long now) {
        long remaining = deadline - now;
        // Overflow only when the operands' signs differ and the result's sign is not the deadline's.
        if (((deadline ^ now) & (deadline ^ remaining)) < 0) {
            return deadline < now ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return remaining;
    }

    private static long millis(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            // Quoted cut short: a foreign producer's header may be of any length, and this goes into logs.
            throw new IllegalArgumentException("header " + name + ": \"" + abbreviate(value)
                    + "\" (expected: milliseconds since the epoch)");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
