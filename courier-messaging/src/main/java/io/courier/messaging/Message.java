package io.courier.messaging;

import io.courier.Deadline;
import io.courier.Metadata;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One message as every broker carries it: an envelope of routing and tracing fields, user
 * headers, and the payload bytes encoded by a {@link io.courier.spi.Codec}. Immutable and
 * thread-safe; variants by {@link #toBuilder()}.
 *
 * <pre>{@code
 * Message m = Message.builder()
 *     .channel("kitchen.commands")
 *     .type("kitchen.createTicket")
 *     .partitionKey("order-42")
 *     .contentType("application/json")
 *     .payload(bytes)
 *     .build();
 * }</pre>
 *
 * <p>Only the channel is required: the id defaults to a random UUID and the timestamp to now.
 * Brokers that carry headers as strings write the envelope with {@link MessageHeaders}.
 */
public final class Message {
    private static final byte[] EMPTY = new byte[0];
    /** The most characters of a field {@link #toString()} shows. */
    private static final int SHOWN = 200;

    private final String id;
    private final String type;
    private final String source;
    private final String channel;
    private final String correlationId;
    private final String replyTo;
    private final String partitionKey;
    private final Deadline deadline;
    private final String traceContext;
    private final String contentType;
    private final Instant timestamp;
    private final Metadata headers;
    private final byte[] payload;

    private Message(Builder b) {
        this.id = b.id != null ? b.id : UUID.randomUUID().toString();
        this.type = b.type;
        this.source = b.source;
        this.channel = requireText(b.channel, "channel");
        this.correlationId = b.correlationId;
        this.replyTo = b.replyTo;
        this.partitionKey = b.partitionKey;
        this.deadline = b.deadline;
        this.traceContext = b.traceContext;
        this.contentType = b.contentType;
        this.timestamp = b.timestamp != null ? b.timestamp : Instant.now();
        this.headers = b.headers;
        this.payload = b.payload;
    }

    /** A builder for a new message. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this message. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.type = type;
        b.source = source;
        b.channel = channel;
        b.correlationId = correlationId;
        b.replyTo = replyTo;
        b.partitionKey = partitionKey;
        b.deadline = deadline;
        b.traceContext = traceContext;
        b.contentType = contentType;
        b.timestamp = timestamp;
        b.headers = headers;
        b.payload = payload;
        return b;
    }

    /** The message's unique id, kept across redeliveries and replays (what deduplication keys on). */
    public String id() {
        return id;
    }

    /** What the payload is: an event or request type name, or {@code service.method} for a command. */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }

    /** The name of the sender, as it announced itself (not authenticated). */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** The channel the message is sent to. */
    public String channel() {
        return channel;
    }

    /** For a reply: the id of the request it answers. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** For a request: the channel the reply goes to. */
    public Optional<String> replyTo() {
        return Optional.ofNullable(replyTo);
    }

    /** The key that picks the partition: messages with the same key are handled in order. */
    public Optional<String> partitionKey() {
        return Optional.ofNullable(partitionKey);
    }

    /** When handling the message stops being useful. */
    public Optional<Deadline> deadline() {
        return Optional.ofNullable(deadline);
    }

    /** The trace context, as a W3C {@code traceparent} value. */
    public Optional<String> traceContext() {
        return Optional.ofNullable(traceContext);
    }

    /** The media type of the payload, e.g. {@code application/json}. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** When the message was created. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The user's headers (names beginning {@code courier-} are reserved for the envelope). */
    public Metadata headers() {
        return headers;
    }

    /** A copy of the payload bytes. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length in bytes. */
    public int payloadSize() {
        return payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && id.equals(m.id) && Objects.equals(type, m.type) && Objects.equals(source, m.source)
                && channel.equals(m.channel) && Objects.equals(correlationId, m.correlationId)
                && Objects.equals(replyTo, m.replyTo) && Objects.equals(partitionKey, m.partitionKey)
                && Objects.equals(deadline, m.deadline) && Objects.equals(traceContext, m.traceContext)
                && Objects.equals(contentType, m.contentType) && timestamp.equals(m.timestamp)
                && headers.equals(m.headers) && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /**
     * The message's id, channel, type, key and correlation id, each cut to 200 characters:
     * a message from any producer is named in logs and dead-letter reasons, and its fields are as
     * long as that producer made them.
     */
    @Override
    public String toString() {
        return "Message[id=" + shown(id) + ", channel=" + shown(channel) + (type == null ? "" : ", type=" + shown(type))
                + (partitionKey == null ? "" : ", key=" + shown(partitionKey))
                + (correlationId == null ? "" : ", correlationId=" + shown(correlationId))
                + ", " + payload.length + " bytes]";
    }

    private static String shown(String s) {
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN - 3) + "...";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
        return value;
    }

    /** Builds a {@link Message}; not thread-safe. */
    public static final class Builder {
        private String id;
        private String type;
        private String source;
        private String channel;
        private String correlationId;
        private String replyTo;
        private String partitionKey;
        private Deadline deadline;
        private String traceContext;
        private String contentType;
        private Instant timestamp;
        private Metadata headers = Metadata.empty();
        private byte[] payload = EMPTY;

        private Builder() {
        }

        /** The id; a random UUID when not set. */
        public Builder id(String id) {
            this.id = requireText(id, "id");
            return this;
        }

        /** The type name (null for none). */
        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /** The sender's name (null for none). */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** The destination channel; required. */
        public Builder channel(String channel) {
            this.channel = requireText(channel, "channel");
            return this;
        }

        /** The id of the request this answers (null for none). */
        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /** The channel for the reply (null for none). */
        public Builder replyTo(String replyTo) {
            this.replyTo = replyTo;
            return this;
        }

        /** The partition key (null: any partition, no order). */
        public Builder partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        /** The deadline (null for none). */
        public Builder deadline(Deadline deadline) {
            this.deadline = deadline;
            return this;
        }

        /** The W3C {@code traceparent} value (null for none). */
        public Builder traceContext(String traceContext) {
            this.traceContext = traceContext;
            return this;
        }

        /** The payload's media type (null for unknown). */
        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** The creation time; now when not set. */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /** The user headers, replacing any set before. */
        public Builder headers(Metadata headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /** Adds one user header. */
        public Builder header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        /** The payload (copied). */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload").clone();
            return this;
        }

        /**
         * The message.
         *
         * @throws IllegalArgumentException when no channel was set
         */
        public Message build() {
            return new Message(this);
        }
    }
}
