package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.Events.OrderPlaced;
import io.courier.test.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retention keeps both tables bounded over a long run: messages go through the outbox (published
 * rows kept for a window, then deleted by the relay) to a consumer with the inbox (rows purged
 * after its retention by the inbox's purge thread), round after round while a fake wall clock
 * moves a minute per round. Each table levels off at its window's worth of rows and never grows
 * past it. Rounds: {@code -Doutbox.retention.rounds=N} (default 12).
 */
class RetentionTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void bothTablesLevelOffAtTheirWindowsWorthOfRows() throws Exception {
        int rounds = Integer.getInteger("outbox.retention.rounds", 12);
        int perRound = 50;
        Duration step = Duration.ofMinutes(1);
        MutableClock clock = new MutableClock();
        try (TestDatabase db = TestDatabase.postgres(4);
             InMemoryBroker real = InMemoryBroker.create();
             Inbox inbox = Inbox.builder().dataSource(db.dataSource()).clock(clock).retention(Duration.ofMinutes(5))
                     .purgeInterval(Duration.ofMillis(50)).build()) {
            OutboxSchema.create(db.dataSource());
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).clock(clock).build();
            AtomicInteger handled = new AtomicInteger();
            try (Messaging messaging = Messaging.builder().name("shop").broker(outbox.broker(real))
                    .codec(JsonCodec.create()).build();
                 OutboxRelay relay = outbox.relay(real).keepPublishedFor(Duration.ofMinutes(3))
                         .minPollInterval(Duration.ofMillis(1)).maxPollInterval(Duration.ofMillis(20))
                         .claimInterval(Duration.ofMillis(50)).start()) {
                messaging.subscribe(OrderPlaced.class, "billing", inbox.<OrderPlaced>handler((e, c) -> handled.incrementAndGet()));
                long maxOutbox = 0;
                long maxInbox = 0;
                for (int round = 1; round <= rounds; round++) {
                    int r = round;
                    outbox.transaction(c -> {
                        for (int i = 0; i < perRound; i++) {
                            messaging.publish(new OrderPlaced("o-" + r + "-" + i, i), "o-" + (i % 7));
                        }
                        return null;
                    });
                    Await.until(PATIENCE, "round " + r + " handled", () -> handled.get() == r * perRound
                            && inbox.size() >= Math.min(r, 6) * perRound && outbox.backlog() == 0);
                    clock.advance(step);
                    // Published rows older than 3 minutes and inbox rows older than 5 are removed.
                    Await.until(PATIENCE, () -> "round " + r + ": outbox " + count(db, "courier_outbox") + ", inbox "
                            + inbox.size(), () -> count(db, "courier_outbox") <= 3L * perRound
                            && inbox.size() <= 5L * perRound);
                    maxOutbox = Math.max(maxOutbox, count(db, "courier_outbox"));
                    maxInbox = Math.max(maxInbox, inbox.size());
                }
                assertThat(maxOutbox).as("published rows kept for the window, no longer").isEqualTo(3L * perRound);
                assertThat(maxInbox).as("inbox rows kept for the retention, no longer").isEqualTo(5L * perRound);
                // Counted once the mark returned, a moment after other connections see it.
                Await.until(PATIENCE, () -> "every message counted as published: " + relay.published(),
                        () -> relay.published() == (long) rounds * perRound);
                System.out.printf("RetentionTest: %d rounds of %d messages (%d in all); at most %d outbox rows and"
                        + " %d inbox rows%n", rounds, perRound, rounds * perRound, maxOutbox, maxInbox);
            }
        }
    }

    private static long count(TestDatabase db, String table) {
        return db.count("SELECT COUNT(*) FROM " + table);
    }
}
