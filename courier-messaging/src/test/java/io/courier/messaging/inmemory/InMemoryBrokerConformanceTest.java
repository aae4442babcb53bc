package io.courier.messaging.inmemory;

import io.courier.messaging.conformance.MessageBrokerConformanceTest;
import io.courier.messaging.spi.MessageBroker;

class InMemoryBrokerConformanceTest extends MessageBrokerConformanceTest {
    @Override
    protected MessageBroker createBroker() {
        return InMemoryBroker.create();
    }
}
