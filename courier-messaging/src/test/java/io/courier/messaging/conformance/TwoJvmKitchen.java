package io.courier.messaging.conformance;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.conformance.TwoJvmContract.Noted;
import io.courier.messaging.conformance.TwoJvmContract.Placed;
import io.courier.messaging.conformance.TwoJvmContract.QuoteAsk;
import io.courier.messaging.conformance.TwoJvmContract.QuoteGiven;
import io.courier.messaging.conformance.TwoJvmContract.Seen;
import io.courier.messaging.spi.MessageBroker;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The second service of {@link TwoJvmConformance}, run in a process of its own by an adapter's
 * main class, which opens its broker from the address it is given and calls {@link #serve}. It
 * knows only the broker (and the run's name, which keeps its event channels apart from other
 * runs'); it prints {@code ready} once it consumes, and stops when its standard input ends.
 */
public final class TwoJvmKitchen {
    private TwoJvmKitchen() {
    }

    /** Serves the kitchen's side of every style on {@code broker} until standard input ends. */
    public static void serve(MessageBroker broker, String run) throws IOException {
        long pid = ProcessHandle.current().pid();
        try (Messaging kitchen = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create()).build()) {
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
