package io.courier.rabbitmq;

/** {@code java io.courier.rabbitmq.TwoJvmKitchen <host> <port> <run>}: the kitchen of {@link TwoJvmTest}. */
public final class TwoJvmKitchen {
    private TwoJvmKitchen() {
    }

    public static void main(String[] args) throws Exception {
        RabbitConfig config = RabbitConfig.builder().host(args[0]).port(Integer.parseInt(args[1])).build();
        try (RabbitBroker broker = RabbitBroker.create(config)) {
            io.courier.messaging.conformance.TwoJvmKitchen.serve(broker, args[2]);
        }
    }
}
