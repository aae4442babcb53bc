package io.courier.rabbitmq;

import io.courier.Tls;
import io.courier.internal.Checks;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link RabbitBroker} reaches RabbitMQ and lays out its queues. Immutable; variants by
 * {@link #toBuilder()}.
 *
 * <pre>{@code
 * RabbitConfig config = RabbitConfig.builder().host("rabbit.internal").credentials("orders", secret)
 *     .virtualHost("/shop").partitions(16).build();
 * }</pre>
 *
 * <p>Every instance of a service, and every service sharing a channel, must use the same
 * {@link #partitions()} and {@link #namespace()}: the partition of a message is chosen by its
 * sender.
 *
 * <p>With {@link Builder#tls(Tls)} the connections are AMQPS: TLS with the {@code Tls}'s trust,
 * client certificate and hostname verification, on port 5671 unless another is set.
 *
 * <p>An immutable value: two configurations with the same settings (the same {@code Tls}
 * instance, if any) are equal. Its {@code toString()} leaves the password out.
 *
 * @param host the broker's host name or address
 * @param port the broker's AMQP port
 * @param username the user name
 * @param password the password
 * @param virtualHost the virtual host
 * @param prefetch unacknowledged messages one consumer holds per partition queue
 * @param partitions partition queues per channel and group
 * @param namespace a prefix of every exchange and queue name (empty by default)
 * @param rebalanceInterval how often a consumer checks its group's membership and its connection
 * @param publishTimeout how long a send waits for the broker's confirm. It is checked every tenth
 *     of it (10 ms to 1 s), so a send fails up to that much later
 * @param connectionTimeout how long opening a connection may take
 * @param tls TLS for the connections; empty for plain AMQP
 */
public record RabbitConfig(
        String host,
        int port,
        String username,
        String password,
        String virtualHost,
        int prefetch,
        int partitions,
        String namespace,
        Duration rebalanceInterval,
        Duration publishTimeout,
        Duration connectionTimeout,
        Optional<Tls> tls) {

    /**
     * Checks every component, with the builder's messages.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range
     * @throws NullPointerException naming the component when it is null
     */
    public RabbitConfig {
        requireText(host, "host");
        requirePort(port);
        requireText(username, "username");
        Objects.requireNonNull(password, "password");
        requireText(virtualHost, "virtualHost");
        requirePrefetch(prefetch);
        requirePartitions(partitions);
        Objects.requireNonNull(namespace, "namespace");
        Checks.positive("rebalanceInterval", rebalanceInterval);
        Checks.positive("publishTimeout", publishTimeout);
        Checks.positive("connectionTimeout", connectionTimeout);
        Objects.requireNonNull(tls, "tls");
    }

    /** A configuration without TLS; see the canonical constructor. */
    public RabbitConfig(String host, int port, String username, String password, String virtualHost, int prefetch,
                        int partitions, String namespace, Duration rebalanceInterval, Duration publishTimeout,
                        Duration connectionTimeout) {
        this(host, port, username, password, virtualHost, prefetch, partitions, namespace, rebalanceInterval,
                publishTimeout, connectionTimeout, Optional.empty());
    }

    /** The defaults: {@code 127.0.0.1:5672}, guest/guest, virtual host {@code /}. */
    public static RabbitConfig defaults() {
        return builder().build();
    }

    /** A builder with the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.username = username;
        b.password = password;
        b.virtualHost = virtualHost;
        b.prefetch = prefetch;
        b.partitions = partitions;
        b.namespace = namespace;
        b.rebalanceInterval = rebalanceInterval;
        b.publishTimeout = publishTimeout;
        b.connectionTimeout = connectionTimeout;
        b.tls = tls.orElse(null);
        return b;
    }

    /** Every setting but the password. */
    @Override
    public String toString() {
        return "RabbitConfig[host=" + host + ", port=" + port + ", username=" + username + ", virtualHost="
                + virtualHost + ", prefetch=" + prefetch + ", partitions=" + partitions + ", namespace=\"" + namespace
                + "\", rebalanceInterval=" + rebalanceInterval + ", publishTimeout=" + publishTimeout
                + ", connectionTimeout=" + connectionTimeout + ", tls=" + tls.map(Tls::toString).orElse("none") + "]";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"" + value + "\"")
                    + " (expected: a non-blank string)");
        }
        return value;
    }

    private static int requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        return port;
    }

    private static int requirePrefetch(int prefetch) {
        if (prefetch < 1 || prefetch > 65535) {
            throw new IllegalArgumentException("prefetch: " + prefetch + " (expected: 1..65535)");
        }
        return prefetch;
    }

    private static int requirePartitions(int partitions) {
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException("partitions: " + partitions + " (expected: 1..1024)");
        }
        return partitions;
    }

    /** Builds a {@link RabbitConfig}; not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private Integer port;
        private String username = "guest";
        private String password = "guest";
        private String virtualHost = "/";
        private int prefetch = 256;
        private int partitions = 8;
        private String namespace = "";
        private Duration rebalanceInterval = Duration.ofSeconds(1);
        private Duration publishTimeout = Duration.ofSeconds(10);
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private Tls tls;

        private Builder() {
        }

        /** The broker's host (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            this.host = requireText(host, "host");
            return this;
        }

        /** The broker's AMQP port (default 5672, or 5671 with {@link #tls}). */
        public Builder port(int port) {
            this.port = requirePort(port);
            return this;
        }

        /** The user and password (default guest/guest, which RabbitMQ accepts only from localhost). */
        public Builder credentials(String username, String password) {
            this.username = requireText(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** The virtual host (default {@code /}). */
        public Builder virtualHost(String virtualHost) {
            this.virtualHost = requireText(virtualHost, "virtualHost");
            return this;
        }

        /**
         * Unacknowledged messages one consumer holds per partition queue (default 256): the
         * window in which messages of other keys go on while one key is parked.
         */
        public Builder prefetch(int prefetch) {
            this.prefetch = requirePrefetch(prefetch);
            return this;
        }

        /**
         * Partition queues per channel and group (default 8): how many instances of a group can
         * consume at once. Senders and consumers of a channel must agree on it.
         */
        public Builder partitions(int partitions) {
            this.partitions = requirePartitions(partitions);
            return this;
        }

        /** A prefix of every exchange and queue name (default none), to share a virtual host. */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /**
         * How often a consumer checks its group's membership and its connection (default 1 s):
         * the longest a partition stays unconsumed after its consumer's process died.
         */
        public Builder rebalanceInterval(Duration interval) {
            this.rebalanceInterval = Checks.positive("rebalanceInterval", interval);
            return this;
        }

        /** How long a send waits for the broker's confirm (default 10 s). */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = Checks.positive("publishTimeout", timeout);
            return this;
        }

        /** How long opening a connection may take (default 5 s). */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = Checks.positive("connectionTimeout", timeout);
            return this;
        }

        /**
         * Connects over TLS (AMQPS, port 5671 by default): {@code tls}'s trust verifies the broker,
         * its certificate, if any, is the client certificate (for {@code ssl_options.verify =
         * verify_peer} with {@code fail_if_no_peer_cert = true}), and the broker's certificate must
         * name {@link #host} unless {@code tls} turns hostname verification off. The files are read
         * when the {@link RabbitBroker} is created, and PEM files again for a connection (or
         * reconnection) after they change, so a renewed certificate takes no new broker; a zero
         * reload interval reads them once. Its client authentication plays no part.
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** The configuration. */
        public RabbitConfig build() {
            int p = port != null ? port : tls != null ? 5671 : 5672;
            return new RabbitConfig(host, p, username, password, virtualHost, prefetch, partitions, namespace,
                    rebalanceInterval, publishTimeout, connectionTimeout, Optional.ofNullable(tls));
        }
    }
}
