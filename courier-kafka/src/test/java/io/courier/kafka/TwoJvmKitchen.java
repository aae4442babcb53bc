package io.courier.kafka;


/** {@code java io.courier.kafka.TwoJvmKitchen <bootstrap servers> <run>}: the kitchen of {@link TwoJvmTest}. */
public final class TwoJvmKitchen {
    private TwoJvmKitchen() {
    }

    public static void main(String[] args) throws Exception {
        try (KafkaBroker broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(args[0]).build())) {
            io.courier.messaging.conformance.TwoJvmKitchen.serve(broker, args[1]);
        }
    }
}
