package io.courier.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import io.courier.Ticker;
import io.courier.messaging.Message;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AMQP messages from any publisher, as amqp-client hands them to a consumer: every property
 * present or not, and a header table with the value types an AMQP table carries (long strings,
 * numbers, booleans, timestamps, decimals, byte arrays, nested tables and arrays, nulls) under
 * hostile names. {@link Envelopes#read} gives a message or the {@link IllegalArgumentException}
 * the consumer rejects to the dead-letter exchange, never another exception that would stop the
 * partition; a message read writes back to properties that read as the same message. Without
 * {@code JAZZER_FUZZ} it replays the inputs under {@code EnvelopesFuzzTestInputs}.
 */
class EnvelopesFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Ticker TICKER = () -> 0L;

    @FuzzTest(maxDuration = "10m")
    void deliveriesReadOrAreRefused(FuzzedDataProvider data) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId(maybe(data))
                .type(maybe(data))
                .contentType(maybe(data))
                .correlationId(maybe(data))
                .replyTo(maybe(data))
                .appId(maybe(data))
                .timestamp(data.consumeBoolean() ? new Date(data.consumeLong()) : null)
                .headers(data.consumeBoolean() ? table(data, 0) : null)
                .build();
        byte[] body = data.consumeRemainingAsBytes();
        Message message;
        try {
            message = Envelopes.read("orders", props, body, CLOCK, TICKER);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(message.id()).isNotEmpty();
        Message again = Envelopes.read("orders", Envelopes.properties(message, CLOCK), message.payload(), CLOCK, TICKER);
        assertThat(again.id()).isEqualTo(message.id());
        assertThat(again.channel()).isEqualTo(message.channel());
        assertThat(again.type()).isEqualTo(message.type());
        assertThat(again.partitionKey()).isEqualTo(message.partitionKey());
        assertThat(again.headers()).isEqualTo(message.headers());
        assertThat(again.payload()).isEqualTo(body);
    }

    private static String maybe(FuzzedDataProvider data) {
        return data.consumeBoolean() ? data.consumeString(64) : null;
    }

    private static Map<String, Object> table(FuzzedDataProvider data, int depth) {
        Map<String, Object> table = new HashMap<>();
        int n = data.consumeInt(0, 12);
        for (int i = 0; i < n; i++) {
            // Courier's own header names often, so the envelope's parsing is reached.
            String name = data.consumeBoolean()
                    ? data.pickValue(new String[] {"courier-id", "courier-channel", "courier-timestamp", "courier-deadline",
                            "courier-partition-key", "courier-trace-context", "courier-type", "Courier-Source", "x-tenant"})
                    : data.consumeString(32);
            table.put(name, value(data, depth));
        }
        return table;
    }

    private static Object value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth < 3 ? 10 : 8)) {
            case 0 -> null;
            case 1 -> data.consumeString(64);
            case 2 -> LongStringHelper.asLongString(data.consumeBytes(64));
            case 3 -> data.consumeLong();
            case 4 -> data.consumeInt();
            case 5 -> data.consumeBoolean();
            case 6 -> new Date(data.consumeLong());
            case 7 -> BigDecimal.valueOf(data.consumeLong(), data.consumeInt(-5, 5));
            case 8 -> data.consumeBytes(32);
            case 9 -> table(data, depth + 1);
            default -> {
                List<Object> list = new ArrayList<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    list.add(value(data, depth + 1));
                }
                yield list;
            }
        };
    }
}
