package io.courier.messaging.inmemory;

import io.courier.messaging.conformance.BrokerConformanceTest;
import io.courier.messaging.spi.MessageBroker;

class InMemoryBrokerConformanceTest extends BrokerConformanceTest {
    @Override
    protected MessageBroker createBroker() {
        return InMemoryBroker.create();
    }
}
