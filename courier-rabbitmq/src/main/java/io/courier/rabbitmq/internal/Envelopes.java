package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;

/**
 * A Courier {@link Message} as an AMQP message and back. The envelope travels as
 * {@code courier-*} headers, and its fields that AMQP has properties for (message id, type,
 * content type, correlation id, reply-to, timestamp, app id) are written there too, so that
 * plain AMQP clients read them where they expect them, and a plain client's message, without
 * Courier's headers, is read from its properties.
 */
public final class Envelopes {
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
                .headers(AmqpHeaders.write(MessageHeaders.write(message, clock)))
                .build();
    }

    /**
     * The message received on {@code channel}.
     *
     * @throws IllegalArgumentException when a Courier header is malformed
     */
    public static Message read(String channel, AMQP.BasicProperties props, byte[] body, Clock clock, Ticker ticker) {
        Metadata h = AmqpHeaders.read(props.getHeaders());
        h = orProperty(h, MessageHeaders.ID, props.getMessageId() != null ? props.getMessageId() : UUID.randomUUID().toString());
        h = orProperty(h, MessageHeaders.CHANNEL, channel);
        h = orProperty(h, MessageHeaders.TYPE, props.getType());
        h = orProperty(h, MessageHeaders.CONTENT_TYPE, props.getContentType());
        h = orProperty(h, MessageHeaders.CORRELATION_ID, props.getCorrelationId());
        h = orProperty(h, MessageHeaders.REPLY_TO, props.getReplyTo());
        h = orProperty(h, MessageHeaders.SOURCE, props.getAppId());
        if (props.getTimestamp() != null) {
            h = orProperty(h, MessageHeaders.TIMESTAMP, Long.toString(props.getTimestamp().getTime()));
        }
        return MessageHeaders.read(h, body, clock, ticker);
    }

    private static Metadata orProperty(Metadata h, String name, String value) {
        return value == null || h.get(name).isPresent() ? h : h.with(name, value);
    }
}
