package io.courier.outbox.tailing;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Message;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.testing.TestPostgres;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The fresh-machine path: an embedded PostgreSQL (started here whatever runs on the machine)
 * comes up with {@code wal_level = logical}, and the log-tailing relay publishes through it.
 */
class EmbeddedPostgresTest {
    @Test
    void theRelayRunsOnAnEmbeddedPostgres() throws Exception {
        RecordingBroker broker = new RecordingBroker();
        try (TestPostgres server = TestPostgres.embedded();
             TestPostgres.Database db = server.createDatabase("courier_embedded")) {
            assertThat(server.isEmbedded()).isTrue();
            db.requireLogical();
            OutboxSchema.create(db.dataSource());
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            try (LogTailingRelay relay = LogTailingRelay.builder().jdbcUrl(db.jdbcUrl()).property("user", "postgres")
                    .broker(broker).outbox(outbox).build().start()) {
                Await.until(Duration.ofSeconds(30), "the relay reads its slot", relay::isActive);
                try (Connection c = db.connect()) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < 10; i++) {
                        outbox.write(c, Message.builder().channel("events").partitionKey("k")
                                .payload(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).build());
                        c.commit();
                    }
                }
                Await.until(Duration.ofSeconds(30), "10 messages published", () -> broker.sent().size() == 10);
                assertThat(broker.sent()).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                        .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            }
        }
    }
}
