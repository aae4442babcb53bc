package io.courier.outbox.internal.tailing;

import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/** Writes outbox rows as the outbox does, for the relay's tests. */
public final class OutboxRows {
    /** The outbox table. */
    public static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS courier_outbox (
              id bigserial PRIMARY KEY,
              message_id text NOT NULL,
              channel text NOT NULL,
              partition_key text,
              headers text NOT NULL,
              payload bytea NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now())""";

    private OutboxRows() {
    }

    /** Inserts {@code message} with {@code connection}, in its current transaction. */
    public static void insert(Connection connection, Message message) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO courier_outbox (message_id, channel, partition_key, headers, payload) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, message.id());
            ps.setString(2, message.channel());
            ps.setString(3, message.partitionKey().orElse(null));
            ps.setString(4, OutboxColumns.HeaderText.write(MessageHeaders.write(message, Clock.systemUTC())));
            ps.setBytes(5, message.payload());
            ps.executeUpdate();
        }
    }
}
