package io.courier.outbox.internal.tailing;

import io.courier.messaging.spi.MessageBroker;
import java.time.Duration;
import java.util.Properties;

/**
 * What a log-tailing relay was built with (validated by its builder). {@code properties} is a
 * copy the relay owns: the JDBC connection properties, without the replication ones.
 */
public record TailConfig(String jdbcUrl, Properties properties, MessageBroker broker, String table, String slot,
        String publication, int maxInFlight, long maxInFlightBytes, int deleteBatch, Duration standbyRetry, Duration statusInterval,
        long lagWarningBytes, Duration lagCheckEvery, Duration drainTimeout) {
}
