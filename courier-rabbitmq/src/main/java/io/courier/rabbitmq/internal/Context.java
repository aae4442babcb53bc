package io.courier.rabbitmq.internal;

import io.courier.Ticker;
import io.courier.rabbitmq.RabbitConfig;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/** What the parts of one broker share. */
public record Context(RabbitConfig config, Link consumeLink, Topology topology, Publisher publisher,
                      ExecutorService executor, Clock clock, Ticker ticker) {
}
