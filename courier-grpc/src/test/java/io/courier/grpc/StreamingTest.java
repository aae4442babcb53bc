package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.DeadlineExceededException;
import io.courier.NotFoundException;
import io.courier.grpc.Ticks.Tick;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Streams of records between Courier peers, in JSON and Protobuf: shapes, backpressure, cancellation, errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamingTest {
    private final CountDownLatch foreverClosed = new CountDownLatch(1);
    private final AtomicLong produced = new AtomicLong();
    private Courier server;
    private Courier clients;

    @BeforeAll
    void start() {
        server = Courier.builder().name("ticks").transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Ticks.class, new Ticks() {
            @Override
            public Stream<Tick> count(Tick upTo) {
                if (upTo.n() < 0) {
                    throw new NotFoundException("no ticks below zero");
                }
                return LongStream.rangeClosed(1, upTo.n()).mapToObj(n -> new Tick(n, upTo.label()));
            }

            @Override
            public Stream<Tick> forever(Tick start) {
                return Stream.iterate(start.n(), n -> n + 1).map(n -> {
                    produced.incrementAndGet();
                    return new Tick(n, "forever");
                }).onClose(foreverClosed::countDown);
            }

            @Override
            public Tick sum(Stream<Tick> ticks) {
                return new Tick(ticks.mapToLong(Tick::n).sum(), "sum");
            }

            @Override
            public Stream<Tick> doubled(Stream<Tick> ticks) {
                return ticks.map(t -> new Tick(t.n() * 2, t.label()));
            }
        });
        clients = Courier.builder().name("tick-client").transport(GrpcTransportFactory.builder().build()).build();
    }

    @AfterAll
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Ticks client(boolean json, Duration deadline) {
        Courier c = json ? jsonClients() : clients;
        return c.client(Ticks.class).target(grpc(server)).deadline(deadline).build();
    }

    private Courier jsonClientsInstance;

    private synchronized Courier jsonClients() {
        if (jsonClientsInstance == null) {
            jsonClientsInstance = Courier.builder().name("tick-json")
                    .transport(GrpcTransportFactory.builder().preferJson(true).build()).build();
        }
        return jsonClientsInstance;
    }

    private static URI grpc(Courier c) {
        return c.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
    }

    @Test
    void allFourShapesInBothFormats() {
        for (boolean json : List.of(true, false)) {
            Ticks ticks = client(json, Duration.ofSeconds(10));
            try (Stream<Tick> s = ticks.count(new Tick(1000, "x"))) {
                assertThat(s.mapToLong(Tick::n).sum()).as("json=%s", json).isEqualTo(500_500L);
            }
            assertThat(ticks.sum(LongStream.rangeClosed(1, 100).mapToObj(n -> new Tick(n, "in")))).isEqualTo(new Tick(5050, "sum"));
            try (Stream<Tick> s = ticks.doubled(Stream.of(new Tick(1, "a"), new Tick(2, "b")))) {
                assertThat(s.toList()).containsExactly(new Tick(2, "a"), new Tick(4, "b"));
            }
        }
    }

    @Test
    void closingTheClientStreamCancelsTheServerStreamWhichWasHeldBackByBackpressure() throws Exception {
        Ticks ticks = client(false, Duration.ofSeconds(20));
        try (Stream<Tick> s = ticks.forever(new Tick(0, ""))) {
            Iterator<Tick> it = s.iterator();
            for (int i = 0; i < 3; i++) {
                assertThat(it.next().n()).isEqualTo(i);
            }
        }
        assertThat(foreverClosed.await(10, TimeUnit.SECONDS)).as("the server's stream was closed").isTrue();
        // An unread infinite stream is only produced as far as flow control lets it.
        assertThat(produced.get()).isLessThan(1_000_000L);
    }

    @Test
    void errorsAndDeadlinesSurfaceWhileIterating() {
        Ticks ticks = client(true, Duration.ofSeconds(10));
        Throwable thrown = catchThrowable(() -> {
            try (Stream<Tick> s = ticks.count(new Tick(-1, ""))) {
                s.toList();
            }
        });
        assertThat(thrown).isInstanceOf(NotFoundException.class).hasMessage("no ticks below zero");

        Ticks impatient = client(true, Duration.ofMillis(300));
        Throwable late = catchThrowable(() -> {
            try (Stream<Tick> s = impatient.forever(new Tick(0, ""))) {
                s.forEach(t -> java.util.concurrent.locks.LockSupport.parkNanos(1_000_000));
            }
        });
        assertThat(late).isInstanceOf(DeadlineExceededException.class);
    }
}
