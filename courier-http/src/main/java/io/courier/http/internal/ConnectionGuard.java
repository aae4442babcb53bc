package io.courier.http.internal;

import io.courier.http.ServerLimits;
import io.courier.http.internal.vertx.WriteProgress;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link ServerLimits} on the server's connections: closes one accepted past
 * {@code maxConnections}, and an HTTP/1.x connection whose request takes longer than
 * {@code requestReadTimeout} to arrive (its head from the server taking the connection over or
 * the end of the previous response, its body from the end of its head). Each guarded connection
 * is checked on its own event loop, four times per timeout. Before the takeover, a cleartext
 * connection's first request is timed from its accept by a
 * {@link io.courier.http.internal.vertx.FirstRequestClock}. An HTTP/2 request's body is timed
 * from its head by a timer of its own ({@link #timeBody}). Answers whose bytes stop leaving for
 * {@code writeTimeout} are found by each connection's {@link WriteProgress}. Thread-safe.
 */
final class ConnectionGuard {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Vertx vertx;
    private final ServerLimits limits;
    private final long timeoutNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Reading> reading = new ConcurrentHashMap<>();
    /**
     * Connections closed for being one too many, or after an answer that said so, whose close has
     * not ended yet: a request they brought in the read that opened them, or behind the one
     * answered, is not answered (a close waits for the writes before it to be flushed, and an
     * answer could otherwise be among them).
     */
    private final Set<HttpConnection> refused = ConcurrentHashMap.newKeySet();

    ConnectionGuard(Vertx vertx, ServerLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.timeoutNanos = limits.requestReadTimeout().toNanos();
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** A connection was accepted: counted, closed when one too many, watched when HTTP/1.x. */
    void opened(HttpConnection connection) {
        int now = open.incrementAndGet();
        connection.closeHandler(v -> {
            open.decrementAndGet();
            refused.remove(connection);
            WriteProgress.closed(connection);
            Reading r = reading.remove(connection);
            if (r != null) {
                vertx.cancelTimer(r.timer);
            }
        });
        if (now > limits.maxConnections()) {
            log.debug("closing the connection from {}: {} open (maxConnections {})", connection.remoteAddress(), now,
                    limits.maxConnections());
            refused.add(connection);
            connection.close();
            return;
        }
        WriteProgress.opened(connection, vertx, limits.writeTimeout());
        if (timeoutNanos > 0 && !http2(connection)) {
            Reading r = new Reading(connection);
            reading.put(connection, r);
            long period = Math.max(50, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4);
            r.timer = vertx.setPeriodic(period, period, id -> r.check());
        }
    }

    /**
     * Closes {@code connection} once what was written to it is flushed; a request it carries
     * after the one answered (pipelined, or decoded from the same read) is not answered.
     */
    void close(HttpConnection connection) {
        refused.add(connection);
        connection.close();
    }

    /**
     * A request's head arrived: from now on its body is timed. False when its connection was
     * refused as one too many, or is closing after an answer: the request is not to be answered.
     */
    boolean request(HttpServerRequest request) {
        if (!refused.isEmpty() && refused.contains(request.connection())) {
            return false;
        }
        if (timeoutNanos == 0 || request.version() == HttpVersion.HTTP_2) {
            return true;
        }
        Reading r = reading.get(request.connection());
        if (r == null) {
            return true;
        }
        if (request.headers().contains("upgrade")) {
            // An upgrade (h2c) hands the socket to another protocol: this watch ends here.
            reading.remove(request.connection());
            vertx.cancelTimer(r.timer);
            return true;
        }
        r.current = request;
        r.since = System.nanoTime();
        return true;
    }

    /**
     * Times the body of an HTTP/2 request, which no connection watch sees (a connection carries
     * many streams, and one dribbling its body keeps it busy): {@code late} runs on the request's
     * event loop when the body has not ended {@code requestReadTimeout} after its head. Returns the
     * timer to give to {@link #bodyEnded(long)}, or -1 when nothing is timed: HTTP/1.x (its
     * connection is watched), a request that has ended already, or the timeout turned off.
     */
    long timeBody(HttpServerRequest request, Runnable late) {
        if (timeoutNanos == 0 || request.version() != HttpVersion.HTTP_2 || request.isEnded()) {
            return -1;
        }
        return vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)), id -> {
            if (!request.isEnded()) {
                late.run();
            }
        });
    }

    /** The body timed by {@code timer} (from {@link #timeBody}) ended, or will not be read. */
    void bodyEnded(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The time an answer's bytes may wait with none leaving. */
    java.time.Duration writeTimeout() {
        return limits.writeTimeout();
    }

    /** The time a request's head and body each have to arrive. */
    java.time.Duration requestReadTimeout() {
        return limits.requestReadTimeout();
    }

    private static boolean http2(HttpConnection connection) {
        try {
            connection.settings();
            return true;
        } catch (UnsupportedOperationException | IllegalStateException http1) {
            return false;
        }
    }

    /** One HTTP/1.x connection's progress; touched on its event loop only. */
    private final class Reading {
        private final HttpConnection connection;
        private HttpServerRequest current;
        private long since = System.nanoTime();
        private long timer;

        Reading(HttpConnection connection) {
            this.connection = connection;
        }

        void check() {
            long now = System.nanoTime();
            if (current != null && current.isEnded()) {
                if (!current.response().ended()) {
                    return; // read in full, being answered: the handler's time is not the client's
                }
                current = null; // answered: the next request's head is timed from here
                since = now;
                return;
            }
            if (now - since >= timeoutNanos) {
                log.debug("closing the connection from {}: its request's {} did not arrive within {}",
                        connection.remoteAddress(), current == null ? "head" : "body", limits.requestReadTimeout());
                reading.remove(connection);
                vertx.cancelTimer(timer);
                connection.close();
            }
        }
    }
}
