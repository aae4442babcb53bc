package io.courier.rabbitmq;

import io.courier.messaging.conformance.MessageBrokerConformanceTest;
import io.courier.messaging.spi.MessageBroker;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared broker conformance suite against a real RabbitMQ. */
class RabbitBrokerConformanceTest extends MessageBrokerConformanceTest {
    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Override
    protected MessageBroker createBroker() {
        return rabbit.broker();
    }

    @Override
    protected Duration patience() {
        return Duration.ofSeconds(20);
    }
}
