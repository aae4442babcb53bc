package io.courier.outbox.internal;

import java.sql.Connection;

/**
 * The JDBC connection of the transaction the current thread runs in, bound by
 * {@code Outbox.inTransaction} and by the inbox's handlers: what the outbox's broker writes with.
 * A thread-local rather than a scoped value, since Courier runs on Java 21, where scoped values
 * are a preview; it is always restored in a {@code finally}.
 */
public final class Bound {
    private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();

    private Bound() {
    }

    /** The bound connection, or null. */
    public static Connection current() {
        return CURRENT.get();
    }

    /** Runs {@code work} with {@code connection} bound, restoring what was bound before. */
    public static <T, X extends Exception> T with(Connection connection, Work<T, X> work) throws X {
        Connection before = CURRENT.get();
        CURRENT.set(connection);
        try {
            return work.run();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** Work run with a connection bound. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run() throws X;
    }
}
