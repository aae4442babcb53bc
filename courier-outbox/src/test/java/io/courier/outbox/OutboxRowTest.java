package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Deadline;
import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.messaging.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An outbox row holds the whole message, and a row that cannot be read says which and why. */
class OutboxRowTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void aRowGivesBackTheWholeMessage() {
        Message m = Message.builder().id("m-1").channel("orders").type("OrderPlaced").source("shop")
                .correlationId("c-1").replyTo("shop.replies").partitionKey("order-42").contentType("application/json")
                .traceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .timestamp(Instant.ofEpochMilli(1_700_000_000_000L))
                .deadline(Deadline.after(Duration.ofSeconds(30), Ticker.system()))
                .headers(Metadata.of("tenant", "a&b=c\nd").with("tenant", "ünïcødé").with("empty", ""))
                .payload("{\"order\":\"42\"}".getBytes(StandardCharsets.UTF_8)).build();
        OutboxRow row = OutboxRow.of(m, 16, clock);
        assertThat(row.partition()).isEqualTo(Math.floorMod("order-42".hashCode(), 16)).isEqualTo(Outbox.partitionOf("order-42", 16));
        assertThat(row.createdAt()).isEqualTo(clock.millis());

        Message back = row.message(clock, Ticker.system());
        assertThat(back.id()).isEqualTo("m-1");
        assertThat(back.channel()).isEqualTo("orders");
        assertThat(back.type()).contains("OrderPlaced");
        assertThat(back.source()).contains("shop");
        assertThat(back.correlationId()).contains("c-1");
        assertThat(back.replyTo()).contains("shop.replies");
        assertThat(back.partitionKey()).contains("order-42");
        assertThat(back.contentType()).contains("application/json");
        assertThat(back.traceContext()).isEqualTo(m.traceContext());
        assertThat(back.timestamp()).isEqualTo(m.timestamp());
        assertThat(back.headers()).isEqualTo(m.headers());
        assertThat(back.payload()).isEqualTo(m.payload());
        assertThat(back.deadline().orElseThrow().remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(31));
    }

    @Test
    void aMessageWithoutAKeyGetsAPartitionFromItsId() {
        Message m = Message.builder().id("m-2").channel("orders").build();
        assertThat(OutboxRow.of(m, 8, clock).partition()).isEqualTo(Outbox.partitionOf("m-2", 8));
    }

    @Test
    void aRowThatCannotBeReadNamesItselfAndWhatIsWrong() {
        assertThatThrownBy(() -> row(7, "courier-id=m-7&broken").message(clock, Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outbox row 7 (message m-7): headers: \"broken\" (expected: name=value, form-encoded)");
        assertThatThrownBy(() -> row(8, "courier-id=m-8").message(clock, Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outbox row 8 (message m-8): header courier-channel: missing");
        assertThatThrownBy(() -> row(9, "a=1&".repeat(1_001) + "courier-id=m-9").message(clock, Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outbox row 9").hasMessageContaining("more than 1000");
        assertThatThrownBy(() -> row(10, "x=" + "y".repeat(1 << 20)).message(clock, Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outbox row 10").hasMessageContaining("characters (expected: at most 1048576)");
        assertThatThrownBy(() -> row(11, "courier-id=%zz").message(clock, Ticker.system()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outbox row 11");
    }

    private static OutboxRow row(long id, String headers) {
        return new OutboxRow(id, "m-" + id, "orders", null, 0, headers, new byte[0], 0);
    }
}
