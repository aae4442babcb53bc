package io.courier.kafka;

import io.courier.messaging.conformance.TwoJvmConformance;
import io.courier.messaging.spi.MessageBroker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Two services in two JVMs talk in every asynchronous style over the embedded Kafka broker. */
class TwoJvmTest extends TwoJvmConformance {
    private KafkaBroker broker;

    @Override
    protected MessageBroker broker(String run) {
        broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
        return broker;
    }

    @Override
    protected Class<?> kitchenMain() {
        return TwoJvmKitchen.class;
    }

    @Override
    protected List<String> kitchenArguments(String run) {
        return List.of(SharedKafka.bootstrapServers(), run);
    }

    @Override
    protected List<String> jvmOptions() {
        return List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error");
    }

    @AfterEach
    void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
