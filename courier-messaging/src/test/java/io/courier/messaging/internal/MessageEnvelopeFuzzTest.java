package io.courier.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.CourierException;
import io.courier.Metadata;
import io.courier.Status;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Message envelopes from hostile headers, as a broker adapter hands them over: the text is read
 * as {@code name: value} lines. {@link MessageHeaders#read} gives a message, or the documented
 * {@link IllegalArgumentException} naming the header; a message read writes back to headers that
 * read as the same message; a deadline already past reads as expired. A reply's error headers
 * read as a typed {@link CourierException} of the status named, or {@code INTERNAL} for a
 * status that is not one. Without {@code JAZZER_FUZZ} it replays the inputs under
 * {@code MessageEnvelopeFuzzTestInputs}.
 */
class MessageEnvelopeFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final Ticker TICKER = () -> 0L;

    @FuzzTest(maxDuration = "10m")
    void envelopesReadOrAreRefused(byte[] input) {
        Metadata headers = headers(input);
        if (headers == null) {
            return;
        }
        Message message;
        try {
            message = MessageHeaders.read(headers, new byte[] {1, 2, 3}, CLOCK, TICKER);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        Message again = MessageHeaders.read(MessageHeaders.write(message, CLOCK), message.payload(), CLOCK, TICKER);
        assertThat(again.id()).isEqualTo(message.id());
        assertThat(again.channel()).isEqualTo(message.channel());
        assertThat(again.timestamp()).isEqualTo(message.timestamp().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(again.headers()).isEqualTo(message.headers());
        headers.get(MessageHeaders.DEADLINE).ifPresent(d -> {
            long at = Long.parseLong(d);
            if (at <= CLOCK.millis()) {
                assertThat(message.deadline()).hasValueSatisfying(deadline ->
                        assertThat(deadline.remainingNanos()).as("deadline %s, now %s", d, CLOCK.millis()).isLessThanOrEqualTo(0));
            } else {
                assertThat(message.deadline()).hasValueSatisfying(deadline ->
                        assertThat(deadline.remainingNanos()).as("deadline %s, now %s", d, CLOCK.millis()).isPositive());
            }
        });
    }

    @FuzzTest(maxDuration = "10m")
    void replyErrorsReadAsTypedErrors(byte[] input) {
        Metadata headers = headers(input);
        if (headers == null) {
            return;
        }
        CourierException error = ErrorHeaders.read(headers);
        String status = headers.get(MessageHeaders.STATUS).orElse("OK");
        if (status.equals("OK")) {
            assertThat(error).isNull();
            return;
        }
        assertThat(error).isNotNull();
        assertThat(error.status()).isIn(Status.valueOf(error.status().name()), Status.INTERNAL);
        assertThat(ErrorHeaders.read(ErrorHeaders.write(error)).status()).isEqualTo(error.status());
    }

    /** The input's {@code name: value} lines as headers, or null when a name is empty. */
    private static Metadata headers(byte[] input) {
        Metadata headers = Metadata.empty();
        for (String line : new String(input, StandardCharsets.UTF_8).split("\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            headers = headers.with(line.substring(0, colon).trim().isEmpty() ? "x" : line.substring(0, colon),
                    line.substring(colon + 1).stripLeading());
        }
        return headers;
    }
}
