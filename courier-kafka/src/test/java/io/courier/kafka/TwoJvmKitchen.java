package io.courier.kafka;

import io.courier.json.JsonCodec;
import io.courier.kafka.TwoJvmContract.Noted;
import io.courier.kafka.TwoJvmContract.Placed;
import io.courier.kafka.TwoJvmContract.QuoteAsk;
import io.courier.kafka.TwoJvmContract.QuoteGiven;
import io.courier.kafka.TwoJvmContract.Seen;
import io.courier.messaging.Messaging;
import java.util.concurrent.CompletableFuture;

/**
 * The second service of {@link TwoJvmTest}, run as a process of its own:
 * {@code java TwoJvmKitchen <bootstrap servers> <run>}. It knows only the broker's address (and the
 * run's name, which keeps its event channels apart from other runs'); it prints {@code ready}
 * once it consumes, and stops when its standard input ends.
 */
public final class TwoJvmKitchen {
    private TwoJvmKitchen() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[1];
        long pid = ProcessHandle.current().pid();
        KafkaConfig config = KafkaConfig.builder().bootstrapServers(args[0]).build();
        try (KafkaBroker broker = KafkaBroker.create(config);
             Messaging kitchen = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create()).build()) {
            kitchen.handle(TwoJvmContract.class, new TwoJvmContract() {
                @Override
                public CompletableFuture<String> prepare(String dish) {
                    return CompletableFuture.completedFuture(dish + " prepared by " + pid);
                }

                @Override
                public void note(String text) {
                    kitchen.publish("noted-" + run, new Noted(text), null);
                }
            });
            kitchen.subscribe("placed-" + run, Placed.class, "kitchen",
                    p -> kitchen.publish("seen-" + run, new Seen(p.orderId(), pid), p.orderId()));
            kitchen.respond(QuoteAsk.class, "kitchen-quotes", q -> new QuoteGiven("kitchen", pid));
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() != -1) {
                // runs until the test closes our input
            }
        }
    }
}
