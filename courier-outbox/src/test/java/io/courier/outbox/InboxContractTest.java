package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.Events.OrderBilled;
import io.courier.outbox.Events.OrderPlaced;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the durable inbox promises, on a real database: a handler's work and its inbox row commit
 * together or not at all, so a redelivered message has no second effect, concurrent duplicates
 * included; messages published in the handler go to the outbox in the same transaction; rows
 * expire after the retention. Run against PostgreSQL and MariaDB by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InboxContractTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final AtomicInteger TABLES = new AtomicInteger();

    TestDatabase db;
    String prefix;
    final List<AutoCloseable> closing = new ArrayList<>();

    abstract Dialect dialect();

    @BeforeAll
    void database() {
        db = TestDatabase.of(dialect());
    }

    @AfterAll
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void tables() {
        prefix = "i" + TABLES.incrementAndGet() + "_";
        OutboxSchema.create(db.dataSource(), prefix);
        db.execute("CREATE TABLE " + prefix + "effects (message_id VARCHAR(64) NOT NULL, what VARCHAR(64) NOT NULL)");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        closing.clear();
    }

    <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    Inbox.Builder inbox() {
        return Inbox.builder().dataSource(db.dataSource()).tablePrefix(prefix);
    }

    void effect(Connection c, String messageId, String what) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "effects (message_id, what) VALUES (?, ?)")) {
            ps.setString(1, messageId);
            ps.setString(2, what);
            ps.executeUpdate();
        }
    }

    long effects() {
        return db.count("SELECT COUNT(*) FROM " + prefix + "effects");
    }

    @Test
    void theWorkAndTheInboxRowCommitTogetherOrNotAtAll() {
        Inbox inbox = closing(inbox().build());
        assertThat(inbox.handleOnce("billing", "m-1", c -> effect(c, "m-1", "billed"))).isTrue();
        assertThat(inbox.handleOnce("billing", "m-1", c -> effect(c, "m-1", "billed"))).as("a duplicate").isFalse();
        assertThat(inbox.handleOnce("shipping", "m-1", c -> effect(c, "m-1", "shipped"))).as("another group").isTrue();
        assertThat(effects()).isEqualTo(2);

        assertThatThrownBy(() -> inbox.handleOnce("billing", "m-2", c -> {
            effect(c, "m-2", "billed");
            throw new SQLException("the ledger refused m-2");
        })).isInstanceOf(UnavailableException.class).hasMessageContaining("m-2").hasMessageContaining("billing")
                .hasMessageContaining("rolled back").hasMessageContaining("the ledger refused m-2");
        assertThatThrownBy(() -> inbox.handleOnce("billing", "m-2", c -> {
            effect(c, "m-2", "billed");
            throw new IllegalStateException("a bug in the handler");
        })).isInstanceOf(IllegalStateException.class).hasMessage("a bug in the handler");
        assertThat(inbox.contains("billing", "m-2")).as("the failed attempts left no row").isFalse();
        assertThat(effects()).as("and no effect").isEqualTo(2);
        assertThat(inbox.handleOnce("billing", "m-2", c -> effect(c, "m-2", "billed"))).as("the retry runs").isTrue();
        assertThat(effects()).isEqualTo(3);
        assertThat(inbox.contains("billing", "m-2")).isTrue();
    }

    /**
     * A message id is whatever its producer wrote: one longer than the column (a foreign
     * producer's 1,000 characters, or 300 characters outside the BMP) is kept as its digest, so
     * it is handled once and skipped after, instead of failing the insert on every attempt.
     */
    @Test
    void anIdLongerThanTheColumnIsHandledOnceAndSkippedAfter() {
        Inbox inbox = closing(inbox().build());
        String ascii = "m-" + "x".repeat(1_000);
        String astral = "\uD83D\uDE80".repeat(300);
        for (String id : List.of(ascii, astral, ascii.substring(0, 191))) {
            assertThat(inbox.handleOnce("billing", id, c -> effect(c, "long", "billed"))).as("%d chars", id.length())
                    .isTrue();
            assertThat(inbox.handleOnce("billing", id, c -> effect(c, "long", "billed"))).as("a duplicate").isFalse();
            assertThat(inbox.contains("billing", id)).isTrue();
        }
        assertThat(inbox.contains("billing", ascii + "y")).as("another long id").isFalse();
        inbox.add("billing", ascii + "y");
        assertThat(inbox.contains("billing", ascii + "y")).isTrue();
        assertThat(effects()).isEqualTo(3);
    }

    /**
     * Ids the database cannot store as they are (a NUL, which PostgreSQL refuses in text; a lone
     * surrogate, which every driver writes as "?", so that two such ids would be taken for one)
     * are kept as their digest too: each handled once, none mistaken for another.
     */
    @Test
    void anIdTheDatabaseCannotStoreAsItIsIsHandledOnceAndNotTakenForAnother() {
        Inbox inbox = closing(inbox().build());
        List<String> ids = List.of("m\u0000a", "m\u0000b", "x\uD800", "x\uD801", "x?", "\uDC00y");
        for (String id : ids) {
            assertThat(inbox.handleOnce("billing", id, c -> effect(c, "odd", "billed"))).as("%s", id.chars().boxed().toList())
                    .isTrue();
            assertThat(inbox.handleOnce("billing", id, c -> effect(c, "odd", "billed"))).as("a duplicate").isFalse();
            assertThat(inbox.contains("billing", id)).isTrue();
        }
        assertThat(effects()).isEqualTo(ids.size());
    }

    /**
     * A group is the application's own name: one the table cannot hold is refused before any SQL,
     * naming the limit, and a null group or id names itself; the caller never sees the database's
     * text, and no connection is left open.
     */
    @Test
    void aGroupTheColumnCannotHoldOrANullIsRefusedNamingWhatWasExpected() {
        Inbox inbox = closing(inbox().build());
        int max = dialect() == Dialect.MARIADB ? 191 : 255;
        String longGroup = "g".repeat(max + 1);
        AtomicInteger ran = new AtomicInteger();
        for (Runnable call : List.<Runnable>of(
                () -> inbox.handleOnce(longGroup, "m-1", c -> ran.incrementAndGet()),
                () -> inbox.add(longGroup, "m-1"),
                () -> inbox.contains(longGroup, "m-1"))) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("group: " + (max + 1) + " characters (expected: at most " + max
                            + ", the inbox table's consumer_group column)");
        }
        assertThatThrownBy(() -> inbox.add("bad\u0000group", "m-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group: \"bad\\u0000group\" (expected: no NUL and no lone surrogate)");
        assertThat(inbox.contains("g".repeat(max), "m-1")).as("the longest group that fits").isFalse();
        assertThatThrownBy(() -> inbox.add(null, "m-1")).isInstanceOf(NullPointerException.class).hasMessage("group");
        assertThatThrownBy(() -> inbox.add("g", null)).isInstanceOf(NullPointerException.class).hasMessage("messageId");
        assertThatThrownBy(() -> inbox.contains(null, "m-1")).isInstanceOf(NullPointerException.class).hasMessage("group");
        assertThatThrownBy(() -> inbox.contains("g", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("messageId");
        assertThat(ran.get()).isZero();
        assertThat(inbox.size()).isZero();
        com.zaxxer.hikari.HikariDataSource pool = (com.zaxxer.hikari.HikariDataSource) db.dataSource();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("no connection left open").isZero();
    }

    @Test
    void concurrentDeliveriesOfOneMessageHaveOneEffect() throws Exception {
        Inbox inbox = closing(inbox().build());
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> ran = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ran.add(pool.submit(() -> {
                    start.await();
                    return inbox.handleOnce("billing", "m-1", c -> effect(c, "m-1", "billed"));
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> f : ran) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(effects()).isEqualTo(1);
    }

    @Test
    void aRedeliveredMessageHasNoSecondEffectAndWhatTheHandlerPublishesCommitsWithIt() {
        InMemoryBroker real = closing(InMemoryBroker.create());
        Inbox inbox = closing(inbox().build());
        Outbox outbox = Outbox.builder().dataSource(db.dataSource()).tablePrefix(prefix).build();
        Messaging billing = closing(Messaging.builder().name("billing").broker(outbox.broker(real))
                .codec(JsonCodec.create())
                .retry(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(1)).build()).build());
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        billing.subscribe(OrderPlaced.class, "billing", inbox.<OrderPlaced>handler((event, c) -> {
            String id = io.courier.messaging.MessageContext.current().orElseThrow().message().id();
            effect(c, id, "billed " + event.order());
            billing.publish(new OrderBilled(event.order()), event.order()); // an outbox row in this transaction
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("the first attempt fails after publishing");
            }
            handled.incrementAndGet();
        }));

        Message placed = Message.builder().id("order-7-placed").channel(Messaging.channelOf(OrderPlaced.class))
                .type(Messaging.channelOf(OrderPlaced.class)).contentType("application/json").partitionKey("o-7")
                .payload("{\"order\":\"o-7\",\"seq\":1}".getBytes(StandardCharsets.UTF_8)).build();
        real.send(placed).join();
        Await.until(PATIENCE, "handled after a retry", () -> handled.get() == 1);
        real.send(placed).join(); // the broker delivers it again, as after a consumer's crash
        real.send(placed).join();
        Await.until(PATIENCE, "the duplicates reached the handler's transaction", () -> attempts.get() >= 2);
        Message later = placed.toBuilder().id("order-8-placed").partitionKey("o-7").build();
        real.send(later).join(); // same key: handled after the duplicates
        Await.until(PATIENCE, "the next message handled and committed", () -> handled.get() == 2 && effects() == 2);

        assertThat(attempts.get()).as("the duplicates were skipped before the handler").isEqualTo(3);
        assertThat(effects()).isEqualTo(2);
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox"))
                .as("the failed attempt's publish rolled back with it").isEqualTo(2);
        assertThat(inbox.contains("billing", "order-7-placed")).isTrue();
    }

    @Test
    void asTheProcessedMessagesStoreItSkipsWhatAGroupHandled() {
        InMemoryBroker real = closing(InMemoryBroker.create());
        Inbox inbox = closing(inbox().build());
        Messaging messaging = closing(Messaging.builder().name("mail").broker(real).codec(JsonCodec.create())
                .processedMessages(inbox).build());
        AtomicInteger mails = new AtomicInteger();
        messaging.subscribe(OrderPlaced.class, "mail", e -> mails.incrementAndGet());
        Message placed = Message.builder().id("m-9").channel(Messaging.channelOf(OrderPlaced.class))
                .type(Messaging.channelOf(OrderPlaced.class)).contentType("application/json")
                .payload("{\"order\":\"o-9\",\"seq\":1}".getBytes(StandardCharsets.UTF_8)).build();
        real.send(placed).join();
        Await.until(PATIENCE, "mailed", () -> mails.get() == 1 && inbox.contains("mail", "m-9"));
        real.send(placed).join();
        Await.until(PATIENCE, "the duplicate skipped", () -> messaging.duplicatesSkipped() == 1);
        assertThat(mails.get()).isEqualTo(1);
        inbox.add("mail", "m-9"); // again: nothing happens
        assertThat(inbox.size()).isEqualTo(1);
    }

    @Test
    void rowsExpireAfterTheRetentionAndAHandlerOutsideMessagingFails() {
        MutableClock clock = new MutableClock();
        Inbox inbox = closing(inbox().clock(clock).retention(Duration.ofHours(1)).build());
        for (int i = 0; i < 1_050; i++) {
            inbox.add("g", "old-" + i);
        }
        clock.advance(Duration.ofMinutes(45));
        inbox.add("g", "new");
        assertThat(inbox.purge()).as("nothing is an hour old yet").isZero();
        clock.advance(Duration.ofMinutes(30));
        assertThat(inbox.purge()).as("the old rows, in chunks").isEqualTo(1_050);
        assertThat(inbox.size()).isEqualTo(1);
        assertThat(inbox.contains("g", "new")).isTrue();

        assertThatThrownBy(() -> inbox.<String>handler((e, c) -> { }).accept("x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no message being handled")
                .hasMessageContaining("Inbox.handleOnce");
    }
}
