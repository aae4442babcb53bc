package io.courier.kafka.internal;

import io.courier.Ticker;
import io.courier.kafka.KafkaConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * What the parts of one broker share. {@code delivered} holds, per group and partition, the
 * highest offset this broker handed to a handler: an offset at or below it is a redelivery.
 */
public record Context(KafkaConfig config, Topics topics, Publisher publisher, ExecutorService executor, Clock clock,
                      Ticker ticker, Map<String, Long> delivered) {
    public Context(KafkaConfig config, Topics topics, Publisher publisher, ExecutorService executor, Clock clock,
                   Ticker ticker) {
        this(config, topics, publisher, executor, clock, ticker, new ConcurrentHashMap<>());
    }
}
