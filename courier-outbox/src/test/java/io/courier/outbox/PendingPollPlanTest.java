package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.outbox.internal.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay's poll reads about a batch of rows however long the backlog: on PostgreSQL, every
 * node of the query's executed plan handles at most a batch per partition, and the merge of the
 * partitions' scans about one batch in all, also on a table
 * with no statistics yet (a fresh outbox, or one autovacuum has not analysed since a burst).
 * With {@code partition_no IN (...) ORDER BY id} the database sorted the whole backlog on
 * every poll, and the relay drained a large backlog at a few thousand rows a second.
 */
class PendingPollPlanTest {
    private static final int PARTITIONS = 4;
    private static final int BATCH = 100;
    private static final int BACKLOG = 20_000;
    private static final Pattern ACTUAL_ROWS = Pattern.compile("actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+)");

    private static TestDatabase db;

    @BeforeAll
    static void backlog() {
        db = TestDatabase.postgres();
        OutboxSchema.create(db.dataSource(), "courier_");
        db.execute("INSERT INTO courier_outbox (message_id, channel, partition_key, partition_no, headers, payload,"
                + " created_at) SELECT 'm' || g, 'orders', 'k' || (g % 64), g % " + PARTITIONS + ", 'courier-id=m' || g,"
                + " '\\x00', 0 FROM generate_series(1, " + BACKLOG + ") g");
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyNodeOfThePollReadsAtMostABatchPerPartition() throws Exception {
        List<Long> rowsPerNode = new ArrayList<>();
        String plan;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT TEXT) "
                     + new Statements(Dialect.POSTGRESQL, "courier_").pending(PARTITIONS))) {
            int i = 1;
            for (int p = 0; p < PARTITIONS; p++) {
                ps.setInt(i++, p);
                ps.setInt(i++, BATCH + 1);
            }
            ps.setInt(i++, BATCH + 1);
            ps.setInt(i++, BATCH);
            ps.setLong(i, Long.MAX_VALUE);
            StringBuilder text = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    text.append(rs.getString(1)).append('\n');
                }
            }
            plan = text.toString();
        }
        Matcher m = ACTUAL_ROWS.matcher(plan);
        while (m.find()) {
            rowsPerNode.add(Long.parseLong(m.group(1)));
        }
        assertThat(rowsPerNode).as(plan).isNotEmpty().allSatisfy(rows ->
                assertThat(rows).as(plan).isLessThanOrEqualTo((long) PARTITIONS * BATCH));
        assertThat(rowsPerNode.get(0)).as("the batch").isEqualTo(BATCH);
        // The merge of the partitions' scans stops just past a batch: nothing above it reads the
        // scans to their ends (a count over the whole merge did, and a poll took 15 times as long).
        Matcher merge = Pattern.compile("Merge Append.*?actual time=[0-9.]+\\.\\.[0-9.]+ rows=(\\d+)").matcher(plan);
        assertThat(merge.find()).as(plan).isTrue();
        assertThat(Long.parseLong(merge.group(1))).as(plan).isLessThanOrEqualTo(BATCH + PARTITIONS);
    }
}
