package io.courier.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, for
 * development and tests. It listens on {@code 127.0.0.1} only, keeps its log in a data
 * directory, and can be stopped and started again on the same directory and port, which is how
 * tests show that clients survive a broker restart.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
 *     KafkaBroker broker = KafkaBroker.create(KafkaConfig.builder()
 *         .bootstrapServers(kafka.bootstrapServers()).build());
 *     ...
 * }
 * }</pre>
 *
 * <p>The settings are those a single node needs: every internal topic (consumer offsets,
 * transactions, share groups) has one replica, a new consumer group is served at once
 * ({@code group.initial.rebalance.delay.ms=0}), and the log cleaner takes 2 MiB of heap instead
 * of 128 MiB. Extra broker properties are passed by {@link Builder#property(String, String)}.
 *
 * <p>With {@link Builder#tls(Path, Path)} the client port speaks TLS only (an {@code SSL}
 * listener), and with {@link Builder#requireClientCertificates(Path)} it asks every client for
 * a certificate its authorities issued ({@code ssl.client.auth=required}). The broker's own
 * traffic (its readiness probe, and the inter-broker listener a node must have) then runs on a
 * second, plaintext port on 127.0.0.1, as the controller's does: fine for tests on one machine.
 * Not for production: one node has no replicas to fail over to.
 *
 * <p>Thread-safe: {@link #start()}, {@link #stop()} and {@link #close()} are serialised.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path dataDir;
    private final boolean temporary;
    private final Map<String, String> extra;
    private final Duration startTimeout;
    private final Path tlsChain;
    private final Path tlsKey;
    private final Path clientAuthorities;
    private int port;
    private int controllerPort;
    private int internalPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Builder b) {
        try {
            this.temporary = b.dataDir == null;
            this.dataDir = temporary ? Files.createTempDirectory("courier-kafka-") : b.dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory for embedded Kafka", e);
        }
        this.port = b.port;
        this.extra = Map.copyOf(b.extra);
        this.startTimeout = b.startTimeout;
        this.tlsChain = b.tlsChain;
        this.tlsKey = b.tlsKey;
        this.clientAuthorities = b.clientAuthorities;
    }

    /** A builder: a temporary data directory and a free port unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and waits until it serves clients: formats the data directory the first
     * time, and opens it again as it was after a {@link #stop()}. Takes 3 to 6 seconds.
     *
     * @return this broker
     * @throws IllegalStateException when it is running already or was closed
     * @throws EmbeddedKafkaException when the broker did not start
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka in " + dataDir + " is closed (expected: start before close)");
        }
        if (server != null) {
            throw new IllegalStateException("embedded Kafka on port " + port + " is running (expected: stop before start)");
        }
        long began = System.nanoTime();
        if (port == 0) {
            port = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
        }
        if (internalPort == 0 && tlsChain != null) {
            internalPort = freePort();
        }
        try {
            Properties props = properties();
            Files.createDirectories(dataDir);
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                format(props);
            }
            KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            s.startup();
            server = s;
            awaitReady();
        } catch (IOException | RuntimeException e) {
            stopQuietly();
            throw new EmbeddedKafkaException("embedded Kafka did not start on 127.0.0.1:" + port + " with data in "
                    + dataDir + " (" + e + ")", e);
        }
        log.info("embedded Kafka serves {} (data in {}), started in {} ms", bootstrapServers(), dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        return this;
    }

    /**
     * Stops the broker and keeps its data and its port, so that {@link #start()} brings it back
     * as it was. Clients connected meanwhile see the broker as unreachable. Does nothing when
     * it is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long began = System.nanoTime();
        stopQuietly();
        log.info("embedded Kafka on port {} stopped in {} ms", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    private void stopQuietly() {
        KafkaRaftServer s = server;
        server = null;
        if (s != null) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn("embedded Kafka on port {}: shutting down failed: {}", port, e.toString());
            }
        }
    }

    /** Whether the broker is running. */
    public synchronized boolean running() {
        return server != null;
    }

    /**
     * The address clients connect to, {@code 127.0.0.1:<port>}.
     *
     * @throws IllegalStateException before the first {@link #start()} with a free port
     */
    public synchronized String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("embedded Kafka has no port yet (expected: start() first)");
        }
        return "127.0.0.1:" + port;
    }

    /** Whether the client port speaks TLS. */
    public boolean tls() {
        return tlsChain != null;
    }

    /** The client port; 0 before the first start when a free port was asked for. */
    public synchronized int port() {
        return port;
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and deletes its data directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (temporary) {
            deleteTree(dataDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[127.0.0.1:" + port + ", " + dataDir + "]";
    }

    private Properties properties() throws IOException {
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        if (tlsChain == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
        } else {
            // Clients get the SSL listener only: a listener's metadata names its own listener's endpoints.
            p.put("listeners", "SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SSL://127.0.0.1:" + port + ",INTERNAL://127.0.0.1:" + internalPort);
            p.put("listener.security.protocol.map", "SSL:SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "INTERNAL");
            // Inline PEM: Kafka reads a PEM key and its chain from one file only, these are two.
            p.put("listener.name.ssl.ssl.keystore.type", "PEM");
            p.put("listener.name.ssl.ssl.keystore.certificate.chain", Files.readString(tlsChain, StandardCharsets.US_ASCII));
            p.put("listener.name.ssl.ssl.keystore.key", Files.readString(tlsKey, StandardCharsets.US_ASCII));
            if (clientAuthorities != null) {
                p.put("listener.name.ssl.ssl.truststore.type", "PEM");
                p.put("listener.name.ssl.ssl.truststore.certificates",
                        Files.readString(clientAuthorities, StandardCharsets.US_ASCII));
                p.put("listener.name.ssl.ssl.client.auth", "required");
            }
        }
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // One node: every internal topic has one replica. With the default 3, consumer groups
        // silently receive nothing.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152"); // the default takes 128 MiB of heap
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.putAll(extra);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void format(Properties props) throws IOException {
        Path config = Files.createTempFile("courier-kafka-", ".properties");
        try {
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "embedded Kafka");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            // execute, never main: main ends the JVM.
            int status = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
            String said = output.toString(StandardCharsets.UTF_8).strip();
            if (status != 0) {
                throw new EmbeddedKafkaException("formatting " + dataDir + " failed with status " + status + ": " + said, null);
            }
            log.debug("embedded Kafka: {}", said);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private void awaitReady() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, tlsChain == null ? bootstrapServers() : "127.0.0.1:" + internalPort);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "courier-embedded-kafka-probe");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new EmbeddedKafkaException("embedded Kafka on port " + port + " did not answer within "
                    + startTimeout.toMillis() + " ms (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted waiting for embedded Kafka to start", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for embedded Kafka", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    log.debug("embedded Kafka: could not delete {}: {}", f, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("embedded Kafka: could not delete its data directory {}: {}", dir, e.toString());
        }
    }

    /** Builds an {@link EmbeddedKafka}; not thread-safe. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> extra = new TreeMap<>();
        private Duration startTimeout = Duration.ofSeconds(30);
        private Path tlsChain;
        private Path tlsKey;
        private Path clientAuthorities;

        private Builder() {
        }

        /**
         * Serves clients over TLS only, with this certificate: {@code certificateChain} holds the
         * leaf certificate (naming 127.0.0.1, which clients verify by default) and then its
         * intermediates, {@code privateKey} its unencrypted PKCS#8 key ({@code PRIVATE KEY}), both
         * PEM and read on every start.
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.tlsChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.tlsKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /**
         * Mutual TLS: refuses clients without a certificate issued by the authorities in
         * {@code trustedAuthorities} (a PEM file). Needs {@link #tls(Path, Path)}.
         */
        public Builder requireClientCertificates(Path trustedAuthorities) {
            this.clientAuthorities = Objects.requireNonNull(trustedAuthorities, "trustedAuthorities");
            return this;
        }

        /**
         * Where the broker keeps its log (default: a new temporary directory, deleted on
         * {@link EmbeddedKafka#close()}). A directory given here is kept, and a broker started on
         * it again finds its topics, messages and committed offsets.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** The client port on 127.0.0.1 (default 0: a free port, chosen on the first start and kept). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** A broker property, set after (and over) the embedded defaults. */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            extra.put(name, value);
            return this;
        }

        /** How long {@link EmbeddedKafka#start()} waits for the broker to serve (default 30 s). */
        public Builder startTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "startTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout: " + timeout + " (expected: > 0)");
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * The broker, not started yet.
         *
         * @throws IllegalStateException when client certificates are required without {@link #tls(Path, Path)}
         */
        public EmbeddedKafka build() {
            if (clientAuthorities != null && tlsChain == null) {
                throw new IllegalStateException("requireClientCertificates: set without tls (expected: tls(chain, key) too)");
            }
            return new EmbeddedKafka(this);
        }
    }
}
