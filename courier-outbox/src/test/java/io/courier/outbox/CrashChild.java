package io.courier.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.courier.json.JsonCodec;
import io.courier.kafka.KafkaBroker;
import io.courier.kafka.KafkaConfig;
import io.courier.messaging.MessageContext;
import io.courier.messaging.Messaging;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.time.Duration;

/**
 * A process of {@link CrashTest}: the relay (outbox to Kafka) or the consumer (Kafka to the
 * effects table, through the inbox), killed by the test with {@code destroyForcibly} at random
 * points. Prints {@code ready} once running; stops cleanly when its standard input closes.
 *
 * <p>Arguments: {@code relay|consumer jdbcUrl kafkaServers channel name}.
 */
public final class CrashChild {
    /** What the writer publishes: one per committed business row. */
    public record Made(long businessId, String key, int seq) {}

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String servers = args[2];
        String channel = args[3];
        String name = args[4];
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(0);
        try (HikariDataSource ds = new HikariDataSource(pool);
             KafkaBroker kafka = KafkaBroker.create(config(servers))) {
            if (mode.equals("relay")) {
                Outbox outbox = Outbox.builder().dataSource(ds).build();
                // Two relays of 12 partitions each on an outbox of 16: they share the partitions,
                // and one takes over what the other held when it dies.
                OutboxRelay relay = outbox.relay(kafka).name(name).maxPartitions(12).minPollInterval(Duration.ofMillis(1))
                        .maxPollInterval(Duration.ofMillis(50)).claimInterval(Duration.ofMillis(100)).start();
                try {
                    ready();
                    waitForEndOfInput();
                } finally {
                    relay.close();
                }
            } else {
                try (Messaging messaging = Messaging.builder().name("effects").broker(kafka).codec(JsonCodec.create())
                        .build()) {
                    Inbox inbox = Inbox.builder().dataSource(ds).build();
                    messaging.subscribe(channel, Made.class, "effects", inbox.<Made>handler((made, c) -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO effects (business_id, message_id, partition_key, seq) VALUES (?, ?, ?, ?)")) {
                            ps.setLong(1, made.businessId());
                            ps.setString(2, MessageContext.current().orElseThrow().message().id());
                            ps.setString(3, made.key());
                            ps.setInt(4, made.seq());
                            ps.executeUpdate();
                        }
                    }));
                    ready();
                    waitForEndOfInput();
                }
            }
        }
    }

    static KafkaConfig config(String servers) {
        return KafkaConfig.builder().bootstrapServers(servers).clientId("crash")
                .shutdownGrace(Duration.ofSeconds(1)).sessionTimeout(Duration.ofSeconds(2))
                .heartbeatInterval(Duration.ofMillis(300)).readyTimeout(Duration.ofSeconds(30)).build();
    }

    private static void ready() {
        System.out.println("ready");
        System.out.flush();
    }

    private static void waitForEndOfInput() throws IOException {
        InputStream in = System.in;
        while (in.read() >= 0) {
            // until the test closes our input
        }
    }
}
