package io.courier.rabbitmq;

import io.courier.messaging.Messaging;
import io.courier.messaging.conformance.TwoJvmContract;
import io.courier.messaging.conformance.TwoJvmContract.QuoteAsk;
import io.courier.messaging.conformance.TwoJvmConformance;
import io.courier.messaging.spi.MessageBroker;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two services in two JVMs talk in every asynchronous style over the machine's RabbitMQ. */
class TwoJvmTest extends TwoJvmConformance {
    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Override
    protected MessageBroker broker(String run) {
        LocalRabbit.require();
        RabbitConfig config = RabbitConfig.builder().host(LocalRabbit.HOST).port(LocalRabbit.PORT).build();
        rabbit.deleteGroupAfter(config, Messaging.commandChannel(TwoJvmContract.class), "courier-two-jvm-kitchen");
        rabbit.deleteGroupAfter(config, "placed-" + run, "kitchen");
        rabbit.deleteGroupAfter(config, Messaging.channelOf(QuoteAsk.class), "kitchen-quotes");
        return rabbit.broker(config);
    }

    @Override
    protected Class<?> kitchenMain() {
        return TwoJvmKitchen.class;
    }

    @Override
    protected List<String> kitchenArguments(String run) {
        return List.of(LocalRabbit.HOST, Integer.toString(LocalRabbit.PORT), run);
    }
}
