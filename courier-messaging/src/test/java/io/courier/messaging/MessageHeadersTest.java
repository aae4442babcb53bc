package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Deadline;
import io.courier.Metadata;
import io.courier.test.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageHeadersTest {
    private final FakeClock time = FakeClock.create();

    private Message full() {
        return Message.builder()
                .id("m-1").type("kitchen.createTicket").source("order-service").channel("kitchen.commands")
                .correlationId("c-9").replyTo("order-service.replies.1").partitionKey("order-42")
                .deadline(Deadline.after(Duration.ofSeconds(2), time))
                .traceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .contentType("application/json").timestamp(Instant.ofEpochMilli(1_700_000_000_123L))
                .header("x-tenant", "acme").header("x-tag", "a").header("x-tag", "b")
                .payload("{\"id\":1}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void writesOneDocumentedHeaderPerEnvelopeField() {
        Metadata h = MessageHeaders.write(full(), time.wallClock());

        assertThat(h.get("courier-id")).hasValue("m-1");
        assertThat(h.get("courier-type")).hasValue("kitchen.createTicket");
        assertThat(h.get("courier-source")).hasValue("order-service");
        assertThat(h.get("courier-channel")).hasValue("kitchen.commands");
        assertThat(h.get("courier-correlation-id")).hasValue("c-9");
        assertThat(h.get("courier-reply-to")).hasValue("order-service.replies.1");
        assertThat(h.get("courier-partition-key")).hasValue("order-42");
        assertThat(h.get("traceparent")).hasValue("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(h.get("courier-content-type")).hasValue("application/json");
        assertThat(h.get("courier-timestamp")).hasValue("1700000000123");
        assertThat(h.get("courier-deadline")).hasValue(Long.toString(time.wallClock().millis() + 2000));
        assertThat(h.getAll("x-tag")).containsExactly("a", "b");
    }

    @Test
    void readsBackWhatWasWritten() {
        Message sent = full();
        time.advance(Duration.ofMillis(500)); // time spent in the broker counts against the deadline
        Message received = MessageHeaders.read(MessageHeaders.write(sent, time.wallClock()), sent.payload(), time.wallClock(), time);

        assertThat(received.id()).isEqualTo("m-1");
        assertThat(received.type()).hasValue("kitchen.createTicket");
        assertThat(received.correlationId()).hasValue("c-9");
        assertThat(received.replyTo()).hasValue("order-service.replies.1");
        assertThat(received.partitionKey()).hasValue("order-42");
        assertThat(received.timestamp()).isEqualTo(sent.timestamp());
        assertThat(received.headers()).isEqualTo(sent.headers());
        assertThat(received.payload()).isEqualTo(sent.payload());
        assertThat(received.deadline().orElseThrow().remaining()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void deadlineIsAbsoluteSoTimeInTheBrokerCounts() {
        Message sent = Message.builder().channel("c").deadline(Deadline.after(Duration.ofSeconds(1), time)).build();
        Metadata h = MessageHeaders.write(sent, time.wallClock());
        time.advance(Duration.ofSeconds(3));

        assertThat(MessageHeaders.read(h, new byte[0], time.wallClock(), time).deadline().orElseThrow().expired()).isTrue();
    }

    @Test
    void aMissingIdIsNamed() {
        Metadata h = Metadata.of("courier-channel", "c");

        assertThatThrownBy(() -> MessageHeaders.read(h, new byte[0], time.wallClock(), time))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("courier-id");
    }

    @Test
    void aMalformedTimeHeaderIsNamedAndQuotedCutShort() {
        // From a foreign producer: the reason goes into logs and dead-letter headers, so it stays short.
        Metadata h = Metadata.of("courier-id", "m-1").with("courier-channel", "c").with("courier-deadline", "x".repeat(100_000));

        assertThatThrownBy(() -> MessageHeaders.read(h, new byte[0], time.wallClock(), time))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header courier-deadline: \"" + "x".repeat(61) + "...\" (expected: milliseconds since the epoch)");
    }

    @Test
    void aUserHeaderCannotImitateTheEnvelope() {
        Message m = Message.builder().id("real").channel("c").header("courier-id", "fake").build();

        assertThat(MessageHeaders.write(m, time.wallClock()).getAll("courier-id")).containsExactly("real");
    }

    @Test
    void envelopeIsImmutableAndCopiesThePayload() {
        byte[] bytes = {1, 2, 3};
        Message m = Message.builder().channel("c").payload(bytes).build();
        bytes[0] = 9;
        m.payload()[1] = 9;

        assertThat(m.payload()).containsExactly(1, 2, 3);
        assertThat(m.id()).isNotBlank();
        assertThat(m.toBuilder().partitionKey("k").build().partitionKey()).hasValue("k");
        assertThat(m.partitionKey()).isEmpty();
    }

    @Test
    void aChannelIsRequired() {
        assertThatThrownBy(() -> Message.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channel: null (expected: a non-empty string)");
    }
}
