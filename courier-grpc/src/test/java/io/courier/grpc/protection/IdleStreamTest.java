package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.Ticks;
import io.courier.grpc.Ticks.Tick;
import io.courier.http.ServerLimits;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ServerLimits#idleTimeout} counts for a gRPC stream too, as docs/server-protection.md
 * says: a server stream that sends nothing for that long has its connection closed, the client
 * learns it as {@code UNAVAILABLE} and the stream's producer is closed; one that sends a
 * heartbeat more often than that is served on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleStreamTest {
    private static final Duration IDLE = Duration.ofMillis(500);

    /** Counted down when the served stream is closed. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private Courier serve() {
        return Courier.builder().name("ticks")
                .transport(GrpcTransportFactory.builder().limits(ServerLimits.builder().idleTimeout(IDLE).build()).build())
                .build().serve(Ticks.class, new Ticks() {
                    @Override
                    public Stream<Tick> count(Tick upTo) {
                        throw new UnsupportedOperationException();
                    }

                    /** Ticks from {@code start.n()} on, {@code start.label()} milliseconds apart, until closed. */
                    @Override
                    public Stream<Tick> forever(Tick start) {
                        long pause = Long.parseLong(start.label());
                        return Stream.iterate(start.n(), n -> n + 1).map(n -> {
                            if (n > start.n()) {
                                try {
                                    Thread.sleep(pause); // the stream's own pace, not a wait in the test
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    throw new IllegalStateException("interrupted", e);
                                }
                            }
                            return new Tick(n, "tick");
                        }).onClose(closed::countDown);
                    }

                    @Override
                    public Tick sum(Stream<Tick> ticks) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Stream<Tick> doubled(Stream<Tick> ticks) {
                        throw new UnsupportedOperationException();
                    }
                });
    }

    @Test
    void aStreamSilentForTheIdleTimeoutHasItsConnectionClosed() throws Exception {
        try (Courier server = serve(); Courier client = Courier.builder().name("client")
                .transport(GrpcTransportFactory.builder().build()).build()) {
            Ticks ticks = client.client(Ticks.class).target(server.uri()).deadline(Duration.ofSeconds(30)).build();
            long start;
            Throwable failure;
            try (Stream<Tick> s = ticks.forever(new Tick(0, "60000"))) {
                Iterator<Tick> it = s.iterator();
                assertThat(it.next().n()).isZero();
                start = System.nanoTime();
                failure = catchThrowable(it::next);
            }
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            assertThat(failure).isInstanceOf(CourierException.class);
            assertThat(((CourierException) failure).status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(after).isBetween(IDLE.multipliedBy(9).dividedBy(10), Duration.ofSeconds(10));
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("the server's stream closed").isTrue();
        }
    }

    @Test
    void aStreamWithAHeartbeatWithinTheIdleTimeoutIsServedOn() throws Exception {
        try (Courier server = serve(); Courier client = Courier.builder().name("client")
                .transport(GrpcTransportFactory.builder().build()).build()) {
            Ticks ticks = client.client(Ticks.class).target(server.uri()).deadline(Duration.ofSeconds(30)).build();
            long start = System.nanoTime();
            try (Stream<Tick> s = ticks.forever(new Tick(0, "100"))) {
                // Ticks 100 ms apart, for more than three idle timeouts.
                assertThat(s.limit(20).mapToLong(Tick::n).max()).hasValue(19);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(IDLE.multipliedBy(3));
        }
    }
}
