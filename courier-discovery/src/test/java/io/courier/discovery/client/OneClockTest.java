package io.courier.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Call;
import io.courier.Courier;
import io.courier.DeadlineExceededException;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.conformance.Await;
import io.courier.test.FakeClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One clock drives a {@code Courier}: a {@link FakeClock} given to it times the latencies its
 * load balancer learns from, stamps its discovery views, and ends its calls at their deadlines.
 */
class OneClockTest {
    private final FakeClock clock = FakeClock.create();
    private final StaticDiscovery registry = StaticDiscovery.create();
    private final Courier server = Courier.builder().name("echo-server").discovery(registry).build();
    private final Courier client = Courier.builder().name("client").discovery(registry).clock(clock).build();

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    /** Picks the first endpoint and writes down every latency it is told. */
    private static final class Recording implements LoadBalancer {
        final List<Long> latencies = new CopyOnWriteArrayList<>();

        @Override
        public Endpoint pick(List<Endpoint> candidates, Call call) {
            return candidates.get(0);
        }

        @Override
        public void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
            latencies.add(latencyNanos);
        }
    }

    @Test
    void theBalancerLearnsLatencyOnTheCouriersClock() {
        server.serve(Echo.class, () -> {
            clock.advance(Duration.ofMillis(7)); // the call "takes" 7 ms of the client's time
            return "here";
        });
        Recording balancer = new Recording();
        Echo echo = client.client(Echo.class).loadBalancer(balancer).build();

        assertThat(echo.whoami()).isEqualTo("here");
        assertThat(echo.whoami()).isEqualTo("here");

        assertThat(balancer.latencies).containsExactly(7_000_000L, 7_000_000L);
    }

    @Test
    void theDiscoveryViewIsStampedWithTheCouriersClock() {
        server.serve(Echo.class, () -> "here");
        ServiceView view = client.discovered("echo");
        assertThat(view.ready()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(view.updatedAt()).isEqualTo(clock.instant());

        clock.advance(Duration.ofSeconds(90));
        registry.register(ServiceInstance.of("echo", "echo-2", List.of(URI.create("http://127.0.0.1:1"))));

        Await.until("the second instance", Duration.ofSeconds(10), () -> view.instances().size() == 2);
        assertThat(view.updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aCallEndsAtItsDeadlineWhenTheCouriersClockPassesIt() throws InterruptedException {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.serve(Echo.class, () -> {
            inHandler.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        });
        Echo echo = client.client(Echo.class).deadline(Duration.ofSeconds(5)).build();

        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> catchThrowable(echo::whoami));
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(5));

        assertThat(call).succeedsWithin(Duration.ofSeconds(5))
                .isInstanceOf(DeadlineExceededException.class);
        release.countDown();
    }
}
