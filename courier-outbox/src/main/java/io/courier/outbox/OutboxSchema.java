package io.courier.outbox;

import io.courier.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The outbox and inbox tables: the migration script of each {@link Dialect}
 * ({@code io/courier/outbox/postgresql.sql}, {@code io/courier/outbox/mariadb.sql} in this
 * module's jar, to run with the application's migration tool), and {@link #create} to apply it
 * from code. Every statement is idempotent ({@code IF NOT EXISTS}), so applying it again, or
 * from several processes, does nothing. Stateless.
 *
 * <pre>{@code
 * OutboxSchema.create(dataSource);               // courier_outbox, courier_inbox
 * OutboxSchema.create(dataSource, "billing_");   // billing_outbox, billing_inbox
 * }</pre>
 */
public final class OutboxSchema {
    private OutboxSchema() {
    }

    /** Creates the tables with the default prefix {@code courier_} if they are missing. */
    public static void create(DataSource dataSource) {
        create(dataSource, "courier_");
    }

    /**
     * Creates the tables {@code <prefix>outbox} and {@code <prefix>inbox} (and their indexes)
     * if they are missing, in the database's dialect.
     *
     * @throws UnavailableException when the database fails
     */
    public static void create(DataSource dataSource, String tablePrefix) {
        Objects.requireNonNull(dataSource, "dataSource");
        Outbox.checkPrefix(tablePrefix);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements(Dialect.of(c), tablePrefix)) {
                st.execute(sql);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new UnavailableException("creating the outbox tables " + tablePrefix + "outbox and "
                    + tablePrefix + "inbox failed: " + e.getMessage(), Map.of(), true, e);
        }
    }

    /** The text of {@code dialect}'s migration script, for the default prefix {@code courier_}. */
    public static String script(Dialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        try (InputStream in = OutboxSchema.class.getResourceAsStream(dialect.script())) {
            if (in == null) {
                throw new IllegalStateException("resource io/courier/outbox/" + dialect.script()
                        + ": missing (expected: in the courier-outbox jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statements of {@code dialect}'s script with {@code tablePrefix}: comments removed, one per element. */
    public static List<String> statements(Dialect dialect, String tablePrefix) {
        Outbox.checkPrefix(tablePrefix);
        StringBuilder text = new StringBuilder();
        for (String line : script(dialect).split("\n")) {
            int comment = line.indexOf("--");
            text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String s : text.toString().split(";")) {
            String sql = s.strip();
            if (!sql.isEmpty()) {
                out.add(sql.replace("courier_", tablePrefix));
            }
        }
        return out;
    }
}
