package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deadline set at the edge travels a chain of three hops: the caller calls service A over REST,
 * A calls service B over gRPC, B sends a command over messaging (the in-memory broker) and waits
 * for the reply from service C. Each hop sees less time left than the one before; C's handler is
 * still working when the deadline passes, and is interrupted; the caller gets
 * {@link DeadlineExceededException} at about the deadline.
 */
class ThreeHopDeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(700);
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** An order the kitchen answers at once: the first call over each hop pays for connections
     *  and class loading, which on a loaded machine can take most of the deadline. */
    private static final String WARM_UP = "warm-up";

    /** A, served over REST. */
    @Service("front")
    public interface Front {
        @Get("/orders/{id}")
        String order(@Path("id") String id);
    }

    /** B, served over gRPC. */
    @Service("orders")
    public interface Orders {
        String place(String id);
    }

    /** C, served over messaging. */
    @Service("kitchen")
    public interface Kitchen {
        String prepare(String id);
    }

    private final Map<String, Duration> leftAt = new ConcurrentHashMap<>();
    private final CountDownLatch kitchenStarted = new CountDownLatch(1);
    private final AtomicBoolean kitchenInterrupted = new AtomicBoolean();
    private final AtomicBoolean kitchenFinished = new AtomicBoolean();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging kitchenSide = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create()).build();
    private final Messaging ordersSide = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create()).build();
    private final Courier b = Courier.builder().name("orders").discovery(StaticDiscovery.create()).build();
    private final Courier a = Courier.builder().name("front").discovery(StaticDiscovery.create()).build();
    private final Courier edge = Courier.builder().name("edge").discovery(StaticDiscovery.create()).build();

    @AfterEach
    void close() {
        edge.close();
        a.close();
        b.close();
        ordersSide.close();
        kitchenSide.close();
        broker.close();
    }

    private void record(String hop) {
        leftAt.put(hop, CallContext.current().deadline().map(Deadline::remaining).orElseThrow(
                () -> new AssertionError(hop + " got no deadline")));
    }

    private static URI uri(Courier courier, String scheme) {
        return courier.uris().stream().filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
    }

    @Test
    void theDeadlineShrinksAtEachHopAndStopsTheLastOneWhenItPasses() throws InterruptedException {
        kitchenSide.handle(Kitchen.class, id -> {
            if (id.equals(WARM_UP)) {
                return "ready";
            }
            record("C");
            kitchenStarted.countDown();
            try {
                new CountDownLatch(1).await(); // cooking that would take longer than anyone waits
                kitchenFinished.set(true);
                return "cooked " + id;
            } catch (InterruptedException e) {
                kitchenInterrupted.set(true);
                throw new IllegalStateException("interrupted", e);
            }
        });
        Kitchen kitchen = ordersSide.commands(Kitchen.class);
        b.serve(Orders.class, id -> {
            record("B");
            return kitchen.prepare(id);
        });
        Orders orders = a.client(Orders.class).target(uri(b, "grpc")).build();
        a.serve(Front.class, id -> {
            record("A");
            return orders.place(id);
        });
        Front front = edge.client(Front.class).target(uri(a, "http")).deadline(DEADLINE).build();
        Front patient = edge.client(Front.class).target(uri(a, "http")).deadline(PATIENCE).build();
        assertThat(patient.order(WARM_UP)).isEqualTo("ready");

        try (LogCapture log = LogCapture.start()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> front.order("o-1")).isInstanceOf(DeadlineExceededException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isGreaterThanOrEqualTo(DEADLINE.minusMillis(50)).isLessThan(DEADLINE.plusMillis(500));
            assertThat(kitchenStarted.getCount()).isZero();
            Await.until(PATIENCE, "the kitchen's handler interrupted", kitchenInterrupted::get);
            assertThat(kitchenFinished).isFalse();
            assertThat(leftAt.get("A")).isLessThan(DEADLINE).isPositive();
            assertThat(leftAt.get("B")).isLessThan(leftAt.get("A")).isPositive();
            assertThat(leftAt.get("C")).isLessThan(leftAt.get("B")).isPositive();
            Await.until(PATIENCE, "the command counted as stopped at its deadline", () -> kitchenSide.expiredDropped() == 1);
            // A hop whose handler lets the deadline error of its own call escape answers it as its own
            // failure and says so (or, cancelled first from above, says nothing): never an ERROR.
            assertThat(log.lines("WARN")).allSatisfy(l -> assertThat(l).contains("a call it made failed"));
            assertThat(log.lines("ERROR")).isEmpty();
        }
    }
}
