package io.courier.kafka;

import io.courier.messaging.conformance.MessageBrokerConformanceTest;
import io.courier.messaging.spi.MessageBroker;
import java.time.Duration;

/** The shared broker conformance suite against a real (embedded) Kafka broker. */
class KafkaBrokerConformanceTest extends MessageBrokerConformanceTest {
    @Override
    protected MessageBroker createBroker() {
        return KafkaBroker.create(SharedKafka.config().build());
    }

    @Override
    protected Duration patience() {
        return Duration.ofSeconds(20);
    }
}
