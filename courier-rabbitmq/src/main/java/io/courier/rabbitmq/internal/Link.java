package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.courier.PermissionDeniedException;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection that is opened again when it was lost. Courier recovers by itself
 * instead of with the client's automatic recovery: a lost connection fails the sends waiting
 * for confirms (so callers may retry), and consumers take their partitions again through the
 * same path as a rebalance, so a partition is never consumed by two recovered consumers.
 * Thread-safe.
 */
public final class Link implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Link.class);

    private final ConnectionFactory factory;
    private final String name;
    private volatile Connection connection;
    private volatile boolean closed;

    public Link(ConnectionFactory factory, String name) {
        this.factory = factory;
        this.name = name;
    }

    /** The open connection, opening a new one if there is none; fails retry-safe when the broker is unreachable. */
    public synchronized Connection connection() {
        if (closed) {
            throw new UnavailableException("RabbitMQ broker " + name + " is closed (expected: use before close)");
        }
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        try {
            connection = factory.newConnection(name);
            log.debug("{}: connected to {}:{}", name, factory.getHost(), factory.getPort());
            return connection;
        } catch (IOException | TimeoutException e) {
            if (tlsRefusal(e)) {
                // A setting to fix on one side or the other, not a broker away: retrying gets the same answer.
                throw new UnauthenticatedException("RabbitMQ at " + factory.getHost() + ":" + factory.getPort()
                        + ": the TLS handshake failed (" + e + "); check the TLS settings on both sides: the trusted"
                        + " authorities, the client certificate, the host name and the port's protocol", Map.of(), e);
            }
            if (e instanceof AuthenticationFailureException) {
                throw new UnauthenticatedException("RabbitMQ at " + factory.getHost() + ":" + factory.getPort()
                        + " refused the login of user '" + factory.getUsername() + "' (" + e.getMessage() + "); check"
                        + " RabbitConfig.credentials against the broker's users", Map.of(), e);
            }
            if (Refusals.code(e) == AMQP.NOT_ALLOWED) {
                // The credentials are right; the user may not use the virtual host: retrying gets the same answer.
                throw new PermissionDeniedException("RabbitMQ at " + factory.getHost() + ":" + factory.getPort()
                        + " refused user '" + factory.getUsername() + "' access to virtual host '"
                        + factory.getVirtualHost() + "' (" + Refusals.text(e) + "); grant it (rabbitmqctl"
                        + " set_permissions -p " + factory.getVirtualHost() + " " + factory.getUsername()
                        + " <configure> <write> <read>), or set RabbitConfig.virtualHost to one the user may use");
            }
            throw new UnavailableException("cannot connect to RabbitMQ at " + factory.getHost() + ":" + factory.getPort()
                    + " (" + e + "); retry once the broker is reachable", Map.of(), true, e);
        }
    }

    private static boolean tlsRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why this link cannot carry messages now, for readiness: its connection was opened and is
     * closed now (lost; opened again on next use), or the link is closed; empty when open or not
     * used yet. Does not connect.
     */
    public Optional<String> notReady() {
        Connection c = connection;
        if (closed) {
            return Optional.of(name + " closed");
        }
        if (c != null && !c.isOpen()) {
            return Optional.of(name + ": connection to " + factory.getHost() + ":" + factory.getPort() + " lost"
                    + (c.getCloseReason() == null ? "" : " (" + c.getCloseReason().getMessage() + ")"));
        }
        return Optional.empty();
    }

    /** The user this link connects as. */
    public String user() {
        return factory.getUsername();
    }

    /** The virtual host this link connects to. */
    public String virtualHost() {
        return factory.getVirtualHost();
    }

    /** A new channel on the open connection. */
    public Channel channel() {
        try {
            return connection().createChannel();
        } catch (IOException e) {
            throw new UnavailableException("cannot open a channel to RabbitMQ (" + e + ")", Map.of(), true, e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null && connection.isOpen()) {
            try {
                connection.close(2_000);
            } catch (IOException | RuntimeException e) {
                log.debug("{}: closing the connection: {}", name, e.toString());
            }
        }
    }
}
