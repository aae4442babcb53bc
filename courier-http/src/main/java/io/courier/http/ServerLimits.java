package io.courier.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the REST server (and gRPC on its port) one client can hold: connections, the time
 * a request may take to arrive, idle connections and HTTP/2 streams. Immutable; built by
 * {@link #builder()} and given to {@link HttpTransportFactory.Builder#limits(ServerLimits)}.
 *
 * <pre>{@code
 * HttpTransportFactory http = HttpTransportFactory.builder()
 *         .limits(ServerLimits.builder().requestReadTimeout(Duration.ofSeconds(10)).maxConnections(2_000).build())
 *         .build();
 * }</pre>
 *
 * <p>The defaults ({@link #defaults()}): a request's head and body must arrive within 30 s of
 * the first byte the server waits for, a connection with no traffic either way is closed after
 * 2 minutes, at most 10,000 connections are open at once (one more is closed as soon as it is
 * accepted), one HTTP/2 connection carries at most 1,000 streams at once, and an answer whose
 * bytes stop leaving for the idle timeout (2 minutes) is abandoned.
 *
 * @param requestReadTimeout how long an HTTP/1.x request may take to arrive, its head counted
 *     from the connection's opening (or the end of the previous response), its body from the end
 *     of its head; a request still arriving then has its connection closed. Stops slow clients
 *     (slowloris) that send a byte now and then, which an idle timeout does not see. Over
 *     HTTP/2 it times each REST request's body from its head: a stream still sending then is
 *     answered 408 and reset, its connection served on (gRPC streams are not timed).
 *     {@link Duration#ZERO} turns it off
 * @param idleTimeout how long a connection may go without reading or writing a byte before it is
 *     closed; {@link Duration#ZERO} turns it off. Streams count too: a server-sent event or gRPC
 *     stream on this port that sends nothing for this long loses its connection, so give long
 *     quiet streams a heartbeat, a longer timeout, or none
 * @param maxConnections the most connections open at once; one accepted past it is closed at once
 * @param maxConcurrentStreams the most streams (calls) one HTTP/2 connection carries at once,
 *     announced in its SETTINGS; a client opening more is refused the excess streams
 * @param writeTimeout how long a REST answer, server-sent event stream or gRPC answer on this port may have
 *     bytes waiting to be written while none of them leaves: a client that does not read (an
 *     HTTP/2 window of 0, a full socket) while it keeps its connection busy. Such an answer is
 *     abandoned: its HTTP/2 stream reset ({@code CANCEL}), an HTTP/1.x connection closed, its
 *     buffers dropped and a stream's producer stopped. A reader taking at least 32 KB (or one
 *     message or event) per timeout is never cut. {@link Duration#ZERO} turns it off
 */
public record ServerLimits(Duration requestReadTimeout, Duration idleTimeout, int maxConnections,
                           long maxConcurrentStreams, Duration writeTimeout) {
    private static final ServerLimits DEFAULTS = builder().build();

    /** Checks the values; prefer {@link #builder()}. */
    public ServerLimits {
        requestReadTimeout = nonNegative(requestReadTimeout, "requestReadTimeout");
        idleTimeout = nonNegative(idleTimeout, "idleTimeout");
        writeTimeout = nonNegative(writeTimeout, "writeTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: at least 1)");
        }
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams
                    + " (expected: 1 to 4294967295, an HTTP/2 SETTINGS value)");
        }
    }

    /** Limits with the write timeout equal to {@code idleTimeout}; prefer {@link #builder()}. */
    public ServerLimits(Duration requestReadTimeout, Duration idleTimeout, int maxConnections, long maxConcurrentStreams) {
        this(requestReadTimeout, idleTimeout, maxConnections, maxConcurrentStreams, idleTimeout);
    }

    /**
     * The defaults: 30 s to read a request, 2 min idle, 10,000 connections, 1,000 streams per
     * connection, 2 min for a stalled answer.
     */
    public static ServerLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: zero to turn it off, or positive)");
        }
        return d;
    }

    /** Builds {@link ServerLimits}; not thread-safe. */
    public static final class Builder {
        private Duration requestReadTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofMinutes(2);
        private int maxConnections = 10_000;
        private long maxConcurrentStreams = 1_000;
        /** Null: the idle timeout's. */
        private Duration writeTimeout;

        private Builder() {
        }

        /** How long a request's head, then its body, may take to arrive (default 30 s; zero: no bound). */
        public Builder requestReadTimeout(Duration timeout) {
            this.requestReadTimeout = timeout;
            return this;
        }

        /** How long a connection may be silent both ways before it is closed (default 2 min; zero: no bound). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** The most connections open at once (default 10,000). */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** The most concurrent streams per HTTP/2 connection (default 1,000). */
        public Builder maxConcurrentStreams(long maxConcurrentStreams) {
            this.maxConcurrentStreams = maxConcurrentStreams;
            return this;
        }

        /**
         * How long an answer may have bytes waiting while none leaves before it is abandoned
         * (default: the idle timeout, 2 min; zero: no bound).
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = Objects.requireNonNull(timeout, "writeTimeout");
            return this;
        }

        /**
         * The limits.
         *
         * @throws IllegalArgumentException naming the value, when one is out of range
         */
        public ServerLimits build() {
            return new ServerLimits(requestReadTimeout, idleTimeout, maxConnections, maxConcurrentStreams,
                    writeTimeout == null ? idleTimeout : writeTimeout);
        }
    }
}
