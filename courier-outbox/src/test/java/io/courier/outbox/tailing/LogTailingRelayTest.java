package io.courier.outbox.tailing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.FailedPreconditionException;
import io.courier.messaging.Message;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.testing.LateConfirmingBroker;
import io.courier.outbox.testing.TestPostgres;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log-tailing relay against a real PostgreSQL with {@code wal_level = logical} (the
 * machine's, or an embedded one): commit order, rolled-back rows, deleting what was published,
 * resuming after its replication connection is killed, a standby taking over, the slot lag
 * warning, and the rows it sets aside (unreadable, or refused for good by the broker).
 */
class LogTailingRelayTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private TestPostgres.Database db;
    private Outbox outbox;
    private final RecordingBroker broker = new RecordingBroker();
    private final List<LogTailingRelay> relays = new ArrayList<>();

    @BeforeEach
    void database() {
        db = TestPostgres.shared().createDatabase("courier_tailing");
        db.requireLogical();
        outbox = Outbox.builder().dataSource(db.dataSource()).build();
        OutboxSchema.create(db.dataSource());
        db.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL)");
    }

    @AfterEach
    void cleanUp() {
        relays.forEach(LogTailingRelay::close);
        if (db != null) {
            db.close();
        }
    }

    private LogTailingRelay.Builder relay() {
        return LogTailingRelay.builder().jdbcUrl(db.jdbcUrl()).property("user", "postgres").broker(broker).outbox(outbox)
                .slot("relay_" + db.name()).standbyRetry(Duration.ofMillis(100));
    }

    private LogTailingRelay started(LogTailingRelay.Builder builder) {
        LogTailingRelay relay = builder.build();
        relays.add(relay);
        return relay.start();
    }

    /** One transaction: a business row and the message about it. */
    private void order(Connection c, String key, int seq) throws SQLException {
        c.createStatement().execute("INSERT INTO orders (customer) VALUES ('" + key + "')");
        outbox.write(c, event(key, seq));
        c.commit();
    }

    private static Message event(String key, int seq) {
        return Message.builder().channel("orders").partitionKey(key).type("OrderCreated")
                .payload((key + ":" + seq).getBytes(StandardCharsets.UTF_8)).build();
    }

    private Connection connection() throws SQLException {
        Connection c = db.connect();
        c.setAutoCommit(false);
        return c;
    }

    @Test
    void publishesCommittedRowsInCommitOrderAndDeletesThem() throws Exception {
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        try (Connection c = connection()) {
            for (int i = 0; i < 50; i++) {
                order(c, "k" + (i % 3), i / 3);
            }
            outbox.write(c, event("rolled-back", 0));
            c.rollback();
            order(c, "k0", 17);
        }
        Await.until(PATIENCE, "51 messages published", () -> broker.sent().size() == 51, () -> broker.sent().toString());
        assertThat(payloads()).doesNotContain("rolled-back:0").endsWith("k0:17");
        assertThat(payloads().stream().filter(p -> p.startsWith("k1:")).toList())
                .containsExactly(java.util.stream.IntStream.range(0, 17).mapToObj(i -> "k1:" + i).toArray(String[]::new));
        Message first = broker.sent().getFirst();
        assertThat(first.channel()).isEqualTo("orders");
        assertThat(first.type()).contains("OrderCreated");
        assertThat(first.partitionKey()).contains("k0");
        Await.until(PATIENCE, "published rows deleted", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
        assertThat(db.queryLong("SELECT count(*) FROM orders")).isEqualTo(51);
        assertThat(relay.publishedCount()).isEqualTo(51);
        assertThat(relay.lastRelayLatency()).isNotNull();
    }

    @Test
    void publishesInCommitOrderNotIdOrder() throws Exception {
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        try (Connection early = connection(); Connection late = connection()) {
            outbox.write(early, event("k", 1)); // the lower id...
            outbox.write(late, event("k", 2));
            late.commit();                            // ...commits second
            early.commit();
        }
        Await.until(PATIENCE, "both published", () -> broker.sent().size() == 2);
        assertThat(payloads()).containsExactly("k:2", "k:1");
    }

    @Test
    void publishesRowsWrittenBeforeItsSlotExistedOnce() throws Exception {
        try (Connection c = connection()) {
            for (int i = 0; i < 5; i++) {
                order(c, "before", i);
            }
        }
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        try (Connection c = connection()) {
            order(c, "after", 0);
        }
        Await.until(PATIENCE, "6 messages published", () -> broker.sent().size() == 6);
        assertThat(payloads()).containsExactly("before:0", "before:1", "before:2", "before:3", "before:4", "after:0");
        Await.until(PATIENCE, "published rows deleted", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
    }

    @Test
    void resumesFromItsConfirmedCommitWhenItsConnectionIsKilled() throws Exception {
        LogTailingRelay relay = started(relay().maxInFlight(64));
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        int total = 1500;
        AtomicInteger written = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Connection c = connection()) {
                for (int i = 0; i < total; i++) {
                    order(c, "k" + (i % 4), i / 4);
                    written.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                writing.set(false);
            }
        });
        int kills = 0;
        try (LogCapture log = LogCapture.start()) {
            for (int at : new int[] {300, 700, 1100}) {
                Await.until(PATIENCE, at + " rows written", () -> written.get() >= at || !writing.get());
                assertThat(terminateReader()).isTrue();
                kills++;
                Await.until(PATIENCE, "the relay reads again", () -> relay.isActive() && readerPid() > 0);
            }
            writer.join(PATIENCE.toMillis());
            Await.until(PATIENCE, "every row published", () -> distinct().size() == total,
                    () -> distinct().size() + " of " + total);
            assertThat(log.lines("WARN")).hasSize(kills).allMatch(l -> l.contains("reading again from its last confirmed commit"));
        }
        assertNoSkipsPerKey();
        // Only what was sent but not yet confirmed when a connection died is sent twice.
        assertThat(broker.sent().size() - total).isLessThanOrEqualTo(kills * (64 + 4 * 1024));
        Await.until(PATIENCE, "published rows deleted", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0,
                () -> db.queryLong("SELECT count(*) FROM courier_outbox") + " rows left, from id "
                        + db.queryLong("SELECT min(id) FROM courier_outbox") + " to " + db.queryLong("SELECT max(id) FROM courier_outbox")
                        + "; sent " + broker.sent().size() + " " + leftovers());
    }

    @Test
    void aStandbyTakesOverWhenTheReaderStops() throws Exception {
        RecordingBroker slowBroker = broker;
        LogTailingRelay first = started(relay().drainTimeout(Duration.ofMillis(300)));
        Await.until(PATIENCE, "the first relay reads the slot", first::isActive);
        LogTailingRelay second = started(relay());
        try (Connection c = connection()) {
            order(c, "k", 0);
            Await.until(PATIENCE, "the first message published", () -> slowBroker.sent().size() == 1);
            assertThat(second.isActive()).isFalse();
            assertThat(second.publishedCount()).isZero();
            slowBroker.hold(); // the first relay dies with sends the broker has not confirmed
            order(c, "k", 1);
            order(c, "k", 2);
            Await.until(PATIENCE, "two more sent", () -> slowBroker.sent().size() == 3);
            first.close();
            slowBroker.release();
            Await.until(PATIENCE, "the standby reads the slot", second::isActive);
            order(c, "k", 3);
        }
        Await.until(PATIENCE, "the standby sent the unconfirmed rows again and the new one",
                () -> second.publishedCount() == 3, () -> payloads().toString());
        assertThat(payloads()).containsExactly("k:0", "k:1", "k:2", "k:1", "k:2", "k:3");
        assertThat(first.isActive()).isFalse();
    }

    @Test
    void warnsWhenTheSlotHoldsTooMuchWal() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            broker.hold(); // nothing is confirmed, so the slot cannot move on
            LogTailingRelay relay = started(relay().lagWarningBytes(1024).lagCheckEvery(Duration.ofMillis(50)));
            Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
            try (Connection c = connection()) {
                for (int i = 0; i < 20; i++) {
                    order(c, "k", i);
                }
            }
            Await.until(PATIENCE, "a lag warning", () -> !log.lines("WARN").isEmpty());
            assertThat(log.lines("WARN").getFirst()).contains("replication slot " + relay.slot() + " holds")
                    .contains("SELECT pg_drop_replication_slot('" + relay.slot() + "')");
            assertThat(relay.slotLagBytes()).isGreaterThan(1024);
            broker.release();
            Await.until(PATIENCE, "the slot caught up", () -> relay.slotLagBytes() >= 0 && relay.slotLagBytes() < 1024);
        }
    }

    @Test
    void anUnreadableRowAmongGoodOnesIsParkedOnceAndTheOthersFlow() throws Exception {
        db.execute("ALTER TABLE courier_outbox ALTER COLUMN payload DROP NOT NULL"); // as a hand-made table might have it
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        long broken;
        long noPayload;
        try (LogCapture log = LogCapture.start()) {
            try (Connection c = connection()) {
                outbox.write(c, event("k", 0));
                broken = handWritten(c, "m-broken", "courier-id=m-broken&no-equals-sign", "x");
                outbox.write(c, event("k", 1));
                c.commit();
                noPayload = handWritten(c, "m-no-payload", "courier-id=m-no-payload&courier-channel=orders", null);
                c.commit();
                order(c, "k", 2);
            }
            Await.until(PATIENCE, () -> "the rows around the bad ones published: " + payloads(),
                    () -> broker.sent().size() == 3);
            Await.until(PATIENCE, () -> "both bad rows parked: " + log, () -> relay.parked() == 2);
            Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
            try (Connection c = connection()) {
                order(c, "k", 3);
            }
            Await.until(PATIENCE, "the stream went on", () -> broker.sent().size() == 4);
            assertThat(payloads()).as("in commit order, each once").containsExactly("k:0", "k:1", "k:2", "k:3");
            assertThat(log.lines("ERROR")).as("one line per parked row").hasSize(2);
            assertThat(log.lines("ERROR").get(0)).contains("slot " + relay.slot() + ": parked outbox row " + broken)
                    .contains("in courier_outbox_parked")
                    .contains("headers: \"no-equals-sign\" (expected: name=value, form-encoded)");
            assertThat(log.lines("ERROR").get(1)).contains("parked outbox row " + noPayload)
                    .contains("column payload: null (expected: ");
            assertThat(log.lines("WARN")).as("the session never stopped").isEmpty();
        }
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked WHERE id IN (" + broken + ", " + noPayload
                + ") AND reason LIKE 'outbox row %' AND parked_at > 0 AND headers LIKE 'courier-id=m-%'"))
                .as("set aside whole, with why").isEqualTo(2);
        assertThat(relay.publishedCount()).isEqualTo(4);
    }

    @Test
    void aMessageTheBrokerRefusesForGoodIsParkedOnceAndTheOthersFlow() throws Exception {
        broker.limit(1024); // a broker with a 1 KiB message limit
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        long big;
        try (LogCapture log = LogCapture.start()) {
            try (Connection c = connection()) {
                outbox.write(c, event("k", 0));
                big = outbox.write(c, bigEvent("k"));
                outbox.write(c, event("k", 1));
                c.commit();
                order(c, "k", 2);
            }
            Await.until(PATIENCE, () -> "the small ones published: " + payloads(), () -> broker.sent().size() == 3);
            Await.until(PATIENCE, () -> "the big one parked: " + log, () -> relay.parked() == 1);
            Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
            assertThat(broker.refused()).as("refused for good: not sent again and again").hasSize(1);
            assertThat(log.lines("ERROR")).singleElement().satisfies(line -> assertThat(line)
                    .contains("parked outbox row " + big).contains("the broker refused it for good")
                    .contains("payload: 4096 bytes (expected: at most 1024)"));
            assertThat(log.lines("WARN")).as("the session never stopped").isEmpty();
        }
        assertThat(payloads()).containsExactly("k:0", "k:1", "k:2");
        assertThat(relay.publishedCount()).isEqualTo(3);
        assertThat(db.queryLong("SELECT length(payload) FROM courier_outbox_parked WHERE id = " + big)).isEqualTo(4096);
    }

    @Test
    void aParkedRowIsNotMetAgainAfterARestart() throws Exception {
        LogTailingRelay first = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", first::isActive);
        try (LogCapture log = LogCapture.start()) {
            long beforeCommit;
            try (Connection c = connection()) {
                outbox.write(c, event("k", 0));
                handWritten(c, "m-broken", "no-equals-sign", "x");
                beforeCommit = walPosition(c);
                c.commit();
            }
            Await.until(PATIENCE, () -> "the bad row parked: " + log, () -> first.parked() == 1);
            Await.until(PATIENCE, "the slot confirmed the parked row's commit", () -> confirmedPosition() > beforeCommit);
            first.close();
            LogTailingRelay second = started(relay());
            Await.until(PATIENCE, "the restarted relay reads the slot", second::isActive);
            try (Connection c = connection()) {
                order(c, "k", 1);
            }
            Await.until(PATIENCE, () -> "the next row published: " + payloads(), () -> broker.sent().size() == 2);
            assertThat(payloads()).as("nothing read again").containsExactly("k:0", "k:1");
            assertThat(second.parked()).isZero();
            assertThat(log.lines("ERROR")).hasSize(1);
            assertThat(log.lines()).noneMatch(l -> l.contains("nothing to park"));
        }
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked")).isOne();
        Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
    }

    @Test
    void rowsWrittenBeforeItsSlotExistedThatCannotBePublishedAreParkedToo() throws Exception {
        broker.limit(1024);
        long broken;
        long big;
        try (Connection c = connection()) {
            order(c, "before", 0);
            broken = handWritten(c, "m-broken", "courier-id=m-broken&no-equals-sign", "x");
            big = outbox.write(c, bigEvent("before"));
            c.commit();
            order(c, "before", 1);
        }
        try (LogCapture log = LogCapture.start()) {
            LogTailingRelay relay = started(relay());
            Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
            Await.until(PATIENCE, () -> "both parked: " + log, () -> relay.parked() == 2);
            try (Connection c = connection()) {
                order(c, "after", 0);
            }
            Await.until(PATIENCE, () -> "the others published: " + payloads(), () -> broker.sent().size() == 3);
            assertThat(payloads()).containsExactly("before:0", "before:1", "after:0");
            assertThat(log.lines("ERROR")).hasSize(2);
            assertThat(log.lines("ERROR").get(0)).contains("parked outbox row " + broken);
            assertThat(log.lines("ERROR").get(1)).contains("parked outbox row " + big).contains("refused it for good");
        }
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked")).isEqualTo(2);
        Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
    }

    @Test
    void aRowToSetAsideIsTakenFromTheTableAsItIsWhenItsCommitSettles() throws Exception {
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        long gone;
        long published;
        long changed;
        try (LogCapture log = LogCapture.start()) {
            broker.hold(); // the good row waits for its confirmation, and with it its transaction's bad ones
            try (Connection c = connection()) {
                outbox.write(c, event("k", 0));
                gone = handWritten(c, "m-gone", "no-equals-sign", "x");
                published = handWritten(c, "m-published", "no-equals-sign", "x");
                changed = handWritten(c, "m-changed", "no-equals-sign", "x");
                c.commit();
            }
            Await.until(PATIENCE, "the good row sent", () -> broker.sent().size() == 1);
            db.execute("DELETE FROM courier_outbox WHERE id = " + gone);
            db.execute("UPDATE courier_outbox SET published_at = 1 WHERE id = " + published);
            db.execute("UPDATE courier_outbox SET headers = 'changed=by-hand' WHERE id = " + changed);
            broker.release();
            Await.until(PATIENCE, () -> "the changed row parked: " + log, () -> relay.parked() == 1);
            try (Connection c = connection()) {
                order(c, "k", 1);
            }
            Await.until(PATIENCE, "the stream went on", () -> broker.sent().size() == 2);
            assertThat(log.lines("ERROR")).singleElement().satisfies(l -> assertThat(l)
                    .contains("parked outbox row " + changed));
            assertThat(log.lines("WARN")).as("one line each, and no session restart").hasSize(2)
                    .anyMatch(l -> l.contains("outbox row " + gone + " is no longer unpublished in courier_outbox"))
                    .anyMatch(l -> l.contains("outbox row " + published + " is no longer unpublished"));
        }
        assertThat(payloads()).containsExactly("k:0", "k:1");
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked")).isOne();
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked WHERE id = " + changed
                + " AND headers = 'changed=by-hand'")).as("the table's row, as it is then").isOne();
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox WHERE id = " + published))
                .as("a published row is left to its retention").isOne();
    }

    @Test
    void withoutTheParkedTableTheRelayRefusesToStartNamingTheMigrationAndReadsNothing() throws Exception {
        db.execute("DROP TABLE courier_outbox_parked"); // a table made by an older migration script
        try (Connection c = connection()) {
            order(c, "k", 0);
        }
        LogTailingRelay relay = relay().build();
        relays.add(relay);
        assertThatThrownBy(relay::start).isInstanceOf(FailedPreconditionException.class)
                .hasMessageContaining("table courier_outbox_parked is missing")
                .hasMessageContaining("io/courier/outbox/postgresql.sql")
                .hasMessageContaining("OutboxSchema.create");
        assertThat(db.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'relay_" + db.name() + "'"))
                .as("no slot: the rows before it are still the snapshot's to publish").isZero();
        assertThat(broker.sent()).isEmpty();

        OutboxSchema.create(db.dataSource());
        LogTailingRelay migrated = started(relay());
        Await.until(PATIENCE, "the relay reads its slot once the table is there", migrated::isActive);
        assertThat(payloads()).containsExactly("k:0");
    }

    @Test
    void withTheParkedTableDroppedUnderItTheRelayStopsSendingNothingAgainUntilItIsBack() throws Exception {
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        db.execute("DROP TABLE courier_outbox_parked");
        long broken;
        try (LogCapture log = LogCapture.start()) {
            try (Connection c = connection()) {
                outbox.write(c, event("k", 0));
                broken = handWritten(c, "m-broken", "no-equals-sign", "x");
                c.commit();
                order(c, "k", 1); // a commit after the one that cannot be confirmed
            }
            Await.until(PATIENCE, () -> "the missing table named: " + log, () -> log.lines("WARN").stream()
                    .anyMatch(l -> l.contains("parking outbox row " + broken + " in courier_outbox_parked failed")));
            Await.until(PATIENCE, () -> "two attempts after the failure: " + log, () -> attempts(log) >= 2);
            int sent = broker.sent().size();
            int attempts = attempts(log);
            Await.until(PATIENCE, () -> "three attempts more: " + log, () -> attempts(log) >= attempts + 3);
            assertThat(broker.sent()).as("nothing sent again by the attempts").hasSize(sent);
            assertThat(payloads()).doesNotHaveDuplicates();
            assertThat(relay.isActive()).isFalse();
            assertThat(log.lines("ERROR")).filteredOn(l -> l.contains("table courier_outbox_parked is missing"))
                    .hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(l -> assertThat(l).contains("io/courier/outbox/postgresql.sql").contains("not reading"));
            assertThat(db.queryLong("SELECT count(*) FROM courier_outbox WHERE id = " + broken)).as("kept").isOne();

            OutboxSchema.create(db.dataSource());
            Await.until(PATIENCE, "parked once the table is there", () -> relay.parked() == 1);
            try (Connection c = connection()) {
                order(c, "k", 2);
            }
            Await.until(PATIENCE, "the stream went on", () -> distinct().contains("k:2"));
        }
        assertThat(distinct()).containsExactlyInAnyOrder("k:0", "k:1", "k:2");
        assertThat(payloads()).as("the unconfirmed commits sent again once, after the table is back")
                .hasSizeLessThanOrEqualTo(5).containsOnlyOnce("k:2");
        assertThat(db.queryLong("SELECT count(*) FROM courier_outbox_parked WHERE id = " + broken)).isOne();
        Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
    }

    /** The relay's attempts to read its slot that ended (or did not start) for want of the parked table. */
    private static int attempts(LogCapture log) {
        return (int) log.lines().stream().filter(l -> l.contains("TailLoop") && l.contains("courier_outbox_parked"))
                .count();
    }

    @Test
    void whatAwaitsTheBrokerStaysWithinItsByteBoundAndRowsFarAboveItAllFlowInOrder() throws Exception {
        int bound = 256 * 1024;
        int big = 600 * 1024; // larger than the bound: sent alone
        List<String> written = new ArrayList<>();
        try (Connection c = connection()) { // before the slot exists: published from its snapshot
            sized(c, written, "before", 20, 7, big);
        }
        LateConfirmingBroker late = new LateConfirmingBroker(Duration.ofMillis(20));
        try {
            LogTailingRelay relay = started(relay().broker(late).maxInFlightBytes(bound));
            Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
            try (Connection c = connection()) { // from the stream: one large transaction, then another
                sized(c, written, "k", 20, 5, big);
                sized(c, written, "j", 10, -1, big);
            }
            Await.until(PATIENCE, () -> "all published: " + late.sends().size(),
                    () -> late.sends().size() >= written.size() && relay.publishedCount() == written.size());
            List<LateConfirmingBroker.Send> sends = late.sends();
            assertThat(sends).extracting(s -> s.payload().substring(0, s.payload().indexOf(';')))
                    .as("each once, in commit order").containsExactlyElementsOf(written);
            assertThat(sends).filteredOn(s -> s.bytes() <= bound).as("never more than the bound awaiting the broker")
                    .allSatisfy(s -> assertThat(s.unconfirmed()).isLessThanOrEqualTo(bound));
            assertThat(sends).filteredOn(s -> s.bytes() == big).hasSize(2)
                    .allSatisfy(s -> assertThat(s.unconfirmed()).as("a large row alone").isEqualTo(big));
            assertThat(relay.largestInFlightBytes()).as("held at once by the relay (the large row with its headers)")
                    .isGreaterThan(bound / 2).isLessThanOrEqualTo(big + 1024);
            Await.until(PATIENCE, "the outbox table emptied", () -> db.queryLong("SELECT count(*) FROM courier_outbox") == 0);
        } finally {
            relays.forEach(LogTailingRelay::close);
            late.close();
        }
    }

    /**
     * Writes {@code rows} messages of 48 KiB of key {@code key} in {@code c}'s transaction, the one at
     * {@code bigAt} of {@code big} bytes, and commits; each payload starts with {@code key:seq;}.
     */
    private void sized(Connection c, List<String> written, String key, int rows, int bigAt, int big) throws SQLException {
        for (int i = 0; i < rows; i++) {
            byte[] payload = new byte[i == bigAt ? big : 48 * 1024];
            java.util.Arrays.fill(payload, (byte) 'x');
            byte[] head = (key + ":" + i + ";").getBytes(StandardCharsets.UTF_8);
            System.arraycopy(head, 0, payload, 0, head.length);
            outbox.write(c, Message.builder().channel("orders").partitionKey(key).payload(payload).build());
            written.add(key + ":" + i);
        }
        c.commit();
    }

    /** Writes an outbox row as another program (or a hand) might, in {@code c}'s transaction; returns its id. */
    private static long handWritten(Connection c, String messageId, String headers, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO courier_outbox (message_id, channel, partition_key,"
                + " partition_no, headers, payload, created_at) VALUES (?, 'orders', 'k', 0, ?, ?, 0) RETURNING id")) {
            ps.setString(1, messageId);
            ps.setString(2, headers);
            ps.setBytes(3, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Message bigEvent(String key) {
        return Message.builder().channel("orders").partitionKey(key).type("OrderCreated").payload(new byte[4096]).build();
    }

    /** Where the server's WAL insert position is now, in bytes. */
    private static long walPosition(Connection c) throws SQLException {
        try (var rs = c.createStatement().executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The slot's confirmed position, in bytes. */
    private long confirmedPosition() {
        return db.queryLong("SELECT coalesce(max(pg_wal_lsn_diff(confirmed_flush_lsn, '0/0'))::bigint, 0)"
                + " FROM pg_replication_slots WHERE slot_name = 'relay_" + db.name() + "'");
    }

    @Test
    void dropSlotRetiresARelay() {
        LogTailingRelay relay = started(relay());
        Await.until(PATIENCE, "the relay reads its slot", relay::isActive);
        relay.close();
        Await.until(PATIENCE, "the slot released", () -> readerPid() == 0);
        assertThat(LogTailingRelay.dropSlot(db.jdbcUrl(), db.properties(), relay.slot())).isTrue();
        assertThat(LogTailingRelay.dropSlot(db.jdbcUrl(), db.properties(), relay.slot())).isFalse();
    }

    @Test
    void refusesBadConfiguration() {
        assertThatThrownBy(() -> LogTailingRelay.builder().slot("Bad-Slot"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot: \"Bad-Slot\" (expected: [a-z0-9_]{1,63}, lower case as PostgreSQL folds unquoted names)");
        assertThatThrownBy(() -> LogTailingRelay.builder().table("x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("table: \"x; DROP TABLE y\"");
        assertThatThrownBy(() -> LogTailingRelay.builder().jdbcUrl("jdbc:mysql://x"))
                .hasMessage("jdbcUrl: jdbc:mysql://x (expected: jdbc:postgresql://...)");
        assertThatThrownBy(() -> LogTailingRelay.builder().jdbcUrl(db.jdbcUrl()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broker: not set (expected: the MessageBroker to publish to)");
        assertThatThrownBy(() -> LogTailingRelay.builder().maxInFlight(0)).hasMessage("maxInFlight: 0 (expected: > 0)");
    }

    private String leftovers() {
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery("SELECT id, encode(payload, 'escape') FROM courier_outbox ORDER BY id")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                String p = rs.getString(2);
                sb.append(rs.getLong(1)).append('=').append(p).append('x').append(payloads().stream().filter(p::equals).count()).append(' ');
            }
            return sb.toString();
        } catch (SQLException e) {
            return e.toString();
        }
    }

    private List<String> payloads() {
        return broker.sent().stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    private Set<String> distinct() {
        return new HashSet<>(payloads());
    }

    /**
     * Per key, each message is the next one or one already seen (a replay from the confirmed
     * commit): never one past a message that was not sent.
     */
    private void assertNoSkipsPerKey() {
        Map<String, Integer> last = new HashMap<>();
        for (String p : payloads()) {
            String key = p.substring(0, p.indexOf(':'));
            int seq = Integer.parseInt(p.substring(p.indexOf(':') + 1));
            int before = last.getOrDefault(key, -1);
            assertThat(seq).as("after %s:%d", key, before).isLessThanOrEqualTo(before + 1);
            last.put(key, seq);
        }
    }

    private long readerPid() {
        return db.queryLong("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = 'relay_"
                + db.name() + "'");
    }

    /** Kills the relay's replication connection on the server's side, as a crash or a network cut would end it. */
    private boolean terminateReader() {
        return db.queryLong("SELECT count(*) FROM (SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                + "WHERE slot_name = 'relay_" + db.name() + "' AND active_pid IS NOT NULL) t") == 1;
    }
}
