package io.courier.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.Ticker;
import io.courier.messaging.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Kafka records from any producer, as the consumer hands them over: hostile header names and
 * values, keys and timestamps. {@link Records#read} gives a message or the
 * {@link IllegalArgumentException} the consumer turns into an unreadable record, never another
 * exception that would stop its partition. Without {@code JAZZER_FUZZ} it replays the inputs
 * under {@code RecordsFuzzTestInputs}.
 */
class RecordsFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Ticker TICKER = () -> 0L;

    @FuzzTest(maxDuration = "10m")
    void recordsReadOrAreRefused(byte[] input) {
        if (input.length < 9) {
            return;
        }
        // Bytes 0-7: the timestamp; byte 8 odd: a key; the rest: "name: value" lines as headers.
        long timestamp = ByteBuffer.wrap(input, 0, 8).getLong();
        byte[] key = (input[8] & 1) != 0 ? Arrays.copyOfRange(input, 9, Math.min(input.length, 17)) : null;
        RecordHeaders headers = new RecordHeaders();
        for (String line : new String(input, 9, input.length - 9, StandardCharsets.UTF_8).split("\n", -1)) {
            int colon = line.indexOf(':');
            if (colon >= 0) {
                headers.add(line.substring(0, colon), colon + 1 < line.length() && line.charAt(colon + 1) == '!' ? null
                        : line.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
            }
        }
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 3, 42, timestamp,
                TimestampType.CREATE_TIME, key == null ? -1 : key.length, 3, key, new byte[] {1, 2, 3}, headers,
                Optional.empty());
        try {
            Message message = Records.read("orders", record, CLOCK, TICKER);
            assertThat(message.id()).isNotEmpty();
            assertThat(message.channel()).isNotEmpty();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
