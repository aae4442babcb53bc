package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.DeadlineExceededException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.http.Shop.Item;
import io.courier.http.Shop.Order;
import io.courier.test.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A Courier client calling a Courier server over real HTTP/1.1 and h2c on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTransportTest {
    private final ShopImpl impl = new ShopImpl();
    private Courier server;
    private Courier clients;

    @BeforeAll
    void start() {
        server = Courier.builder().name("shop-server").build().serve(Shop.class, impl);
        clients = Courier.builder().name("shop-client").build();
    }

    @AfterAll
    void stop() {
        clients.close();
        server.close();
    }

    private Shop client(String scheme) {
        return clients.client(Shop.class).target(URI.create(scheme + "://127.0.0.1:" + server.address().getPort()))
                .header("x-tenant", "acme").build();
    }

    @Test
    void servesAtAnEphemeralLoopbackPort() {
        assertThat(server.uri().toString()).startsWith("http://127.0.0.1:");
        assertThat(server.address().getPort()).isPositive();
        assertThat(server.uri().getPort()).isEqualTo(server.address().getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void syncResultWithPathVariable(String scheme) {
        assertThat(client(scheme).get(42)).isEqualTo(new Order(42, List.of(new Item("sku-42", 1)), ShopImpl.PLACED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void literalRouteWinsOverVariableAndQueryParametersBind(String scheme) {
        Instant after = Instant.parse("2025-01-02T03:04:05Z");
        List<Order> recent = client(scheme).recent(2, List.of("a b", "c&d", "e"), Optional.of(after));
        assertThat(recent).extracting(o -> o.items().get(0).sku()).containsExactly("a b", "c&d");
        assertThat(recent).allSatisfy(o -> assertThat(o.placedAt()).isEqualTo(after));
        assertThat(client(scheme).recent(5, List.of(), Optional.empty())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void bodyRoundTrips(String scheme) {
        Order sent = new Order(1, List.of(new Item("ü-😀", 3)), Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(client(scheme).place(sent)).isEqualTo(new Order(1001, sent.items(), sent.placedAt()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void voidWithHeaderAndBody(String scheme) {
        long id = scheme.hashCode();
        client(scheme).note(id, "ann", "ring twice");
        assertThat(impl.notes).containsEntry(id, "ann: ring twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void futuresCompleteWithTheResult(String scheme) throws Exception {
        assertThat(client(scheme).getAsync(7).get(10, TimeUnit.SECONDS).id()).isEqualTo(7);
        long id = 77 + scheme.length();
        assertThat(client(scheme).cancel(id).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(impl.cancelled).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void oneWayReturnsAndTheHandlerRuns(String scheme) {
        String event = "event-" + UUID.randomUUID();
        client(scheme).record(event);
        pollUntil(() -> impl.events.contains(event));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void headersCallerAndDeadlineReachTheServer(String scheme) {
        assertThat(client(scheme).whoami("t1")).isEqualTo("t1/shop-client/acme/true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void serverErrorsArriveAsTheirException(String scheme) {
        assertThatThrownBy(() -> client(scheme).missing(9))
                .isExactlyInstanceOf(NotFoundException.class)
                .hasMessage("order 9 does not exist");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void deadlineFailsTheCallAndInterruptsTheHandler(String scheme) throws Exception {
        Shop impatient = clients.client(Shop.class).target(server.uri().toString().replace("http", scheme))
                .deadline(Duration.ofMillis(200)).build();
        String token = UUID.randomUUID().toString();
        assertThatThrownBy(() -> impatient.slow(token)).isInstanceOf(DeadlineExceededException.class);
        assertThat(impl.interrupted(token).await(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "h2c"})
    void nobodyListeningIsUnavailableAndRetrySafe(String scheme) {
        Courier gone = Courier.builder().name("gone").build().serve(Shop.class, new ShopImpl());
        int port = gone.address().getPort();
        gone.close();
        Shop shop = clients.client(Shop.class).target(scheme + "://127.0.0.1:" + port).build();
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> shop.get(1))
                        .isInstanceOf(UnavailableException.class)
                        .satisfies(e -> {
                            assertThat(((UnavailableException) e).status()).isEqualTo(Status.UNAVAILABLE);
                            assertThat(((UnavailableException) e).retrySafe()).isTrue();
                        });
            }
            // Expected, so one WARN for the endpoint, not one per call, and no stack trace.
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains(scheme + "://127.0.0.1:" + port + ": connection lost");
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
    }

    private static void pollUntil(BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("condition met within 10 s").isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
