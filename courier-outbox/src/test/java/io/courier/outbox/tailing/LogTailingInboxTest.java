package io.courier.outbox.tailing;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Inbox;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.testing.TestPostgres;
import io.courier.test.Await;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * End to end through the log-tailing relay: events written with the outbox, published by one
 * relay instance, which stops while the broker has not confirmed the last ones; a standby takes
 * over and publishes those again; the inbox makes each event's effect happen once.
 */
class LogTailingInboxTest {
    record OrderPlaced(int seq) {
    }

    /** Passes every send to the real broker at once, but holds its confirmation while told to. */
    static final class SlowConfirms implements MessageBroker {
        private final MessageBroker real;
        private final List<CompletableFuture<Void>> held = new ArrayList<>();
        private final AtomicInteger sent = new AtomicInteger();
        private volatile boolean holding;

        SlowConfirms(MessageBroker real) {
            this.real = real;
        }

        @Override
        public CompletableFuture<Void> send(Message message) {
            CompletableFuture<Void> accepted = real.send(message);
            sent.incrementAndGet();
            if (!holding) {
                return accepted;
            }
            CompletableFuture<Void> confirmation = new CompletableFuture<>();
            synchronized (held) {
                held.add(confirmation);
            }
            return confirmation; // never completed: the relay that sent it dies first
        }

        @Override
        public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
            return real.subscribe(channel, group, handler);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void theInboxHandlesTheUnconfirmedTailOnce() throws Exception {
        Duration patience = Duration.ofSeconds(30);
        try (TestPostgres.Database db = TestPostgres.shared().createDatabase("courier_tailing_inbox");
             InMemoryBroker real = InMemoryBroker.create()) {
            db.requireLogical();
            OutboxSchema.create(db.dataSource());
            db.execute("CREATE TABLE effects (seq int NOT NULL)");
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            SlowConfirms broker = new SlowConfirms(real);
            try (Inbox inbox = Inbox.builder().dataSource(db.dataSource()).build();
                 Messaging writer = Messaging.builder().name("orders").broker(outbox.broker(real))
                         .codec(JsonCodec.create()).build();
                 Messaging billing = Messaging.builder().name("billing").broker(real).codec(JsonCodec.create()).build();
                 Subscription ignored = billing.subscribe("orders", OrderPlaced.class, "billing",
                         inbox.<OrderPlaced>handler((event, connection) -> {
                             try (PreparedStatement ps = connection.prepareStatement("INSERT INTO effects VALUES (?)")) {
                                 ps.setInt(1, event.seq());
                                 ps.executeUpdate();
                             }
                         }))) {
                LogTailingRelay.Builder relay = LogTailingRelay.builder().jdbcUrl(db.jdbcUrl())
                        .property("user", "postgres").broker(broker).outbox(outbox).slot("inbox_" + db.name())
                        .standbyRetry(Duration.ofMillis(100)).drainTimeout(Duration.ofMillis(200));
                try (LogTailingRelay first = relay.build().start(); LogTailingRelay second = relay.build().start()) {
                    Await.until(patience, "one relay reads", () -> first.isActive() || second.isActive());
                    LogTailingRelay reader = first.isActive() ? first : second;
                    LogTailingRelay standby = reader == first ? second : first;
                    for (int i = 0; i < 20; i++) {
                        int seq = i;
                        outbox.transaction(c -> writer.publish("orders", new OrderPlaced(seq), "k"));
                    }
                    Await.until(patience, "20 handled", () -> db.queryLong("SELECT count(*) FROM effects") == 20);
                    broker.holding = true;
                    for (int i = 20; i < 30; i++) {
                        int seq = i;
                        outbox.transaction(c -> writer.publish("orders", new OrderPlaced(seq), "k"));
                    }
                    Await.until(patience, "30 handled", () -> db.queryLong("SELECT count(*) FROM effects") == 30);
                    reader.close(); // dies with 10 sends unconfirmed
                    broker.holding = false;
                    Await.until(patience, "the standby reads", standby::isActive);
                    Await.until(patience, "the unconfirmed tail sent again", () -> broker.sent.get() == 40,
                            () -> broker.sent.get() + " sent");
                    outbox.transaction(c -> writer.publish("orders", new OrderPlaced(30), "k"));
                    Await.until(patience, "31 handled", () -> db.queryLong("SELECT count(*) FROM effects") == 31);
                    assertThat(broker.sent.get()).isEqualTo(41); // 10 of them twice
                }
            }
            assertThat(db.queryLong("SELECT count(DISTINCT seq) FROM effects")).isEqualTo(31);
            assertThat(db.queryLong("SELECT count(*) FROM effects")).isEqualTo(31);
        }
    }
}
