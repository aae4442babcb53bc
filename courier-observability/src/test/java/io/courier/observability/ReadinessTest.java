package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.http.HttpTransportFactory;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.test.Await;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/ready} against a real server: the health checks it requires (one down with a
 * detail, one that throws), and the drain on {@code Courier.close()}, during which it answers 503
 * while the server still serves calls; {@code /health/live} stays 200 throughout.
 */
class ReadinessTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aFailingCheckMakesTheServiceNotReadyAndNamesIt() throws Exception {
        AtomicBoolean brokerUp = new AtomicBoolean(true);
        try (Courier c = Courier.builder().name("checked").transport(new HttpTransportFactory())
                .transport(ObservabilityRoutes.builder()
                        .healthCheck("broker", () -> brokerUp.get() ? HealthCheck.Health.UP
                                : HealthCheck.Health.down("connection refused"))
                        .readiness("registration", () -> true)
                        .build())
                .build()) {
            c.serve(Shop.class, sku -> "item " + sku);
            assertThat(get(c.uri(), "/health/ready").body()).isEqualTo("ready\n");

            brokerUp.set(false);
            HttpResponse<String> r = get(c.uri(), "/health/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("not ready: broker (connection refused)\n");
            assertThat(get(c.uri(), "/health/live").statusCode()).isEqualTo(200);

            brokerUp.set(true);
            assertThat(get(c.uri(), "/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMessagingWhoseBrokerIsNotReadyMakesTheServiceNotReady() throws Exception {
        AtomicReference<String> brokerProblem = new AtomicReference<>();
        try (InMemoryBroker inMemory = InMemoryBroker.create();
             Messaging messaging = Messaging.builder().name("orders").codec(JsonCodec.create())
                     .broker(new Unsteady(inMemory, brokerProblem)).build();
             Courier c = Courier.builder().name("messaging").transport(new HttpTransportFactory())
                     .transport(ObservabilityRoutes.builder().messagingReadiness(messaging).build())
                     .build()) {
            c.serve(Shop.class, sku -> "item " + sku);
            assertThat(get(c.uri(), "/health/ready").body()).isEqualTo("ready\n");

            brokerProblem.set("connection to 127.0.0.1:5672 lost");
            HttpResponse<String> r = get(c.uri(), "/health/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("not ready: messaging:orders (connection to 127.0.0.1:5672 lost)\n");

            brokerProblem.set(null);
            assertThat(get(c.uri(), "/health/ready").statusCode()).isEqualTo(200);
        }
    }

    /** A broker that says it is not ready while {@code problem} holds one; the in-memory broker's otherwise. */
    private record Unsteady(InMemoryBroker inner, AtomicReference<String> problem) implements MessageBroker {
        @Override
        public CompletableFuture<Void> send(Message message) {
            return inner.send(message);
        }

        @Override
        public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
            return inner.subscribe(channel, group, handler);
        }

        @Override
        public Optional<String> notReady() {
            return Optional.ofNullable(problem.get());
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aCheckThatThrowsOrAnswersNullIsDown() throws Exception {
        try (Courier c = Courier.builder().name("throwing").transport(new HttpTransportFactory())
                .transport(ObservabilityRoutes.builder()
                        .healthCheck("registry", () -> {
                            throw new IllegalStateException("no session");
                        })
                        .healthCheck("disk", () -> null)
                        .build())
                .build()) {
            c.serve(Shop.class, sku -> "item " + sku);
            HttpResponse<String> r = get(c.uri(), "/health/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("not ready: registry (java.lang.IllegalStateException: no session),"
                    + " disk (the check answered null)\n");
            assertThat(get(c.uri(), "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closingTurnsReadinessOffWhileTheServerStillServesThenStops() throws Exception {
        Courier c = Courier.builder().name("draining").transport(new HttpTransportFactory())
                .transport(ObservabilityRoutes.builder().drainDelay(Duration.ofSeconds(4)).build())
                .build();
        c.serve(Shop.class, sku -> "item " + sku);
        URI uri = c.uri();
        assertThat(get(uri, "/health/ready").statusCode()).isEqualTo(200);

        CompletableFuture<Void> closed = CompletableFuture.runAsync(c::close);
        Await.until(Duration.ofSeconds(4), "/health/ready answering 503", () -> get(uri, "/health/ready").statusCode() == 503);

        assertThat(get(uri, "/health/ready").body()).isEqualTo("not ready: draining\n");
        assertThat(get(uri, "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> call = get(uri, "/items/a");
        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.body()).isEqualTo("\"item a\"");
        assertThat(closed).isNotDone();

        closed.get(20, TimeUnit.SECONDS);
        try (HttpClient fresh = HttpClient.newHttpClient()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> fresh.send(
                    HttpRequest.newBuilder(uri.resolve("/health/live")).build(), HttpResponse.BodyHandlers.ofString())))
                    .as("the stopped server refuses connections").isInstanceOf(ConnectException.class);
        }
    }

    private HttpResponse<String> get(URI server, String path) {
        try {
            return http.send(HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
