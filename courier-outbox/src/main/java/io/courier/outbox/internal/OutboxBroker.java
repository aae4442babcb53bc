package io.courier.outbox.internal;

import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Outbox;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;

/**
 * The broker {@code Outbox.broker(real)} returns: sends become outbox rows in the transaction
 * bound to the calling thread; subscriptions are the real broker's.
 */
public final class OutboxBroker implements MessageBroker {
    private final Outbox outbox;
    private final MessageBroker real;
    private final boolean sendWithoutTransaction;
    private final Writer writer;

    /** How a send writes its row: the outbox's insert without asking for the row's id. */
    @FunctionalInterface
    public interface Writer {
        void write(Connection connection, Message message);
    }

    public OutboxBroker(Outbox outbox, MessageBroker real, boolean sendWithoutTransaction, Writer writer) {
        this.outbox = outbox;
        this.real = real;
        this.sendWithoutTransaction = sendWithoutTransaction;
        this.writer = writer;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        Connection c = Bound.current();
        if (c == null) {
            if (sendWithoutTransaction) {
                return real.send(message);
            }
            throw new IllegalStateException("no transaction bound to send " + message + " through the outbox"
                    + " (expected: the send inside outbox.transaction(connection -> ...),"
                    + " outbox.inTransaction(connection, () -> ...) or an Inbox handler; or"
                    + " Outbox.builder().sendWithoutTransaction(true) to send it directly)");
        }
        writer.write(c, message);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        return real.subscribe(channel, group, handler);
    }

    /** Closes nothing: the real broker belongs to whoever created it. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "OutboxBroker[" + outbox.table() + " -> " + real + "]";
    }
}
