package io.courier.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.discovery.ServiceView;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clients built against discovery leave nothing behind, and policies applied twice apply once. */
class ClientLifetimeTest {
    private final StaticDiscovery registry = StaticDiscovery.create();
    private final Courier server = Courier.builder().name("echo-server").discovery(registry).build();
    private final Courier client = Courier.builder().name("client").discovery(registry).build();

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void aCollectedClientNoLongerFollowsTheSharedView() throws InterruptedException {
        server.serve(Echo.class, () -> "here");
        ServiceView view = client.discovered("echo");
        int before = view.listenerCount();
        Echo kept = client.client(Echo.class).build();
        for (int i = 0; i < 200; i++) {
            client.client(Echo.class).build().whoami(); // built, used once, dropped
        }
        assertThat(view.listenerCount()).isGreaterThan(before);

        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (view.listenerCount() > before + 1 && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20); // the cleaner runs on its own thread once the collector has found them
        }

        assertThat(view.listenerCount()).as("only the client still referenced follows the view")
                .isEqualTo(before + 1);
        assertThat(kept.whoami()).isEqualTo("here");
    }

    @Test
    void resilienceAppliedTwiceToOneClientRetriesAsOften() {
        AtomicInteger calls = new AtomicInteger();
        server.serve(Echo.class, () -> {
            calls.incrementAndGet();
            throw new UnavailableException("busy"); // retry-safe: every attempt the policy allows is made
        });
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build())
                .build();
        var builder = client.client(Echo.class);
        resilience.applyTo(builder);
        resilience.applyTo(builder);
        Echo echo = builder.build();

        Throwable thrown = catchThrowable(echo::whoami);

        assertThat(thrown).isInstanceOf(UnavailableException.class);
        assertThat(calls).as("3 attempts, not 3 x 3").hasValue(3);
    }
}
