package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A Courier {@link Message} as an AMQP message and back. The envelope's fields that AMQP has
 * properties for (message id, type, content type, correlation id, reply-to, app id as the
 * source) travel only there, where plain AMQP clients read them; the rest travels as
 * {@code courier-*} headers: the partition key, the timestamp in milliseconds (the AMQP
 * timestamp, also written, has whole seconds), the deadline, the trace context and the user's
 * headers. The channel is the exchange's, known to the consumer. Each header is a field of a
 * table that RabbitMQ decodes on every publish, so writing each field once is also what keeps
 * the broker's work per message close to a plain client's. A message from a plain client,
 * without Courier's headers, is read from its properties alone, and so is one from an earlier
 * Courier that wrote the fields in both places.
 */
public final class Envelopes {
    /** The headers that AMQP properties or the consumer's channel stand for: not written as headers. */
    private static final Set<String> IN_PROPERTIES = Set.of(MessageHeaders.ID, MessageHeaders.CHANNEL,
            MessageHeaders.TYPE, MessageHeaders.CONTENT_TYPE, MessageHeaders.CORRELATION_ID, MessageHeaders.REPLY_TO,
            MessageHeaders.SOURCE);

    private Envelopes() {
    }

    /** The properties of {@code message}: persistent, with every header. */
    public static AMQP.BasicProperties properties(Message message, Clock clock) {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .messageId(message.id())
                .type(message.type().orElse(null))
                .contentType(message.contentType().orElse(null))
                .correlationId(message.correlationId().orElse(null))
                .replyTo(message.replyTo().orElse(null))
                .appId(message.source().orElse(null))
                .timestamp(Date.from(message.timestamp()))
                .headers(AmqpHeaders.write(MessageHeaders.write(message, clock), IN_PROPERTIES))
                .build();
    }

    /**
     * The message received on {@code channel}.
     *
     * @throws IllegalArgumentException when a Courier header is malformed
     */
    public static Message read(String channel, AMQP.BasicProperties props, byte[] body, Clock clock, Ticker ticker) {
        Map<String, Object> table = props.getHeaders() == null ? Map.of() : props.getHeaders();
        // One builder for headers and properties: no copy of the headers per field.
        // The channel is the one consumed, whatever a header says: added first, it is the value read.
        Metadata.Builder h = Metadata.builder().add(MessageHeaders.CHANNEL, channel);
        AmqpHeaders.readInto(table, h);
        String id = props.getMessageId();
        if (id == null && !table.containsKey(MessageHeaders.ID)) {
            id = UUID.randomUUID().toString();
        }
        orProperty(h, table, MessageHeaders.ID, id);
        orProperty(h, table, MessageHeaders.TYPE, props.getType());
        orProperty(h, table, MessageHeaders.CONTENT_TYPE, props.getContentType());
        orProperty(h, table, MessageHeaders.CORRELATION_ID, props.getCorrelationId());
        orProperty(h, table, MessageHeaders.REPLY_TO, props.getReplyTo());
        orProperty(h, table, MessageHeaders.SOURCE, props.getAppId());
        if (props.getTimestamp() != null) {
            orProperty(h, table, MessageHeaders.TIMESTAMP, Long.toString(props.getTimestamp().getTime()));
        }
        return MessageHeaders.read(h.build(), body, clock, ticker);
    }

    /** Adds the property {@code value} as header {@code name}, unless null or the message has that header. */
    private static void orProperty(Metadata.Builder h, Map<String, Object> table, String name, String value) {
        if (value != null && !table.containsKey(name)) {
            h.add(name, value);
        }
    }
}
