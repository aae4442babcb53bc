package io.courier.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceViewTest {
    private static final ServiceInstance ONE = ServiceInstance.of("echo", "echo-1", List.of(URI.create("http://127.0.0.1:1")));

    /** A resolver whose answers the test gives by hand. */
    private static final class HandResolver implements ServiceResolver {
        final AtomicReference<Listener> listener = new AtomicReference<>();

        @Override
        public Watch watch(String service, Listener l) {
            listener.set(l);
            return () -> { };
        }
    }

    @Test
    void whoeverWaitsForTheFirstAnswerFindsTheListenersAlreadyToldOfIt() {
        HandResolver resolver = new HandResolver();
        try (ServiceView view = ServiceView.watch(resolver, "echo")) {
            List<List<ServiceInstance>> heard = new CopyOnWriteArrayList<>();
            view.onChange(heard::add);
            // What a client's first call does: wait for the first answer, then read its endpoints.
            CompletableFuture<Integer> seenAtReady = view.ready().thenApply(v -> heard.size());

            resolver.listener.get().onInstances(List.of(ONE));

            assertThat(seenAtReady.join()).as("lists the listener had heard when ready completed").isEqualTo(1);
            assertThat(heard).containsExactly(List.of(ONE));
        }
    }

    @Test
    void aListenerAddedAfterTheFirstAnswerHearsItOnce() {
        HandResolver resolver = new HandResolver();
        try (ServiceView view = ServiceView.watch(resolver, "echo")) {
            resolver.listener.get().onInstances(List.of(ONE));
            List<List<ServiceInstance>> heard = new CopyOnWriteArrayList<>();
            view.onChange(heard::add);
            assertThat(heard).containsExactly(List.of(ONE));
        }
    }
}
