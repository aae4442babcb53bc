package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.test.Await;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC health service answers what {@code /health/ready} answers, asked with grpc-java's own
 * health stub: {@code NOT_SERVING} from {@code Check} and {@code Watch} while a health check is
 * down, while the service's discovery registration fails, and while the {@code Courier} drains.
 */
class GrpcHealthReadinessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @Test
    void checkAndWatchFollowTheHealthChecks() throws Exception {
        AtomicBoolean brokerUp = new AtomicBoolean(true);
        try (Courier c = Courier.builder().name("checked").discovery(LocalDiscovery.builder().directory(dir).build())
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().readiness("broker", brokerUp::get).build())
                .build()) {
            c.serve(Shop.class, sku -> "item " + sku);
            ManagedChannel channel = channel(c);
            try {
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                List<ServingStatus> watched = new CopyOnWriteArrayList<>();
                HealthGrpc.newStub(channel).watch(request(""), observer(watched));
                Await.until(PATIENCE, () -> "SERVING watched: " + watched, () -> watched.equals(List.of(ServingStatus.SERVING)));
                assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
                assertThat(check(health, "shop.Shop")).isEqualTo(ServingStatus.SERVING);

                brokerUp.set(false);
                assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(check(health, "shop.Shop")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(get(c.uri(), "/health/ready").body()).isEqualTo("not ready: broker\n");
                Await.until(PATIENCE, () -> "NOT_SERVING watched: " + watched,
                        () -> watched.equals(List.of(ServingStatus.SERVING, ServingStatus.NOT_SERVING)));

                brokerUp.set(true);
                assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
                Await.until(PATIENCE, () -> "SERVING again watched: " + watched, () -> watched.equals(
                        List.of(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING)));
                assertThat(get(c.uri(), "/health/ready").statusCode()).isEqualTo(200);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aFailingDiscoveryRegistrationIsNotReady() throws Exception {
        FailingRegistry registry = new FailingRegistry(LocalDiscovery.builder().directory(dir).build());
        try (Courier c = Courier.builder().name("registered").discovery(registry)
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().build())
                .build()) {
            c.serve(Shop.class, sku -> "item " + sku);
            ManagedChannel channel = channel(c);
            try {
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
                assertThat(get(c.uri(), "/health/ready").body()).isEqualTo("ready\n");

                registry.failing.set(true);
                Await.until(PATIENCE, "the renewal failing", () -> get(c.uri(), "/health/ready").statusCode() == 503);
                assertThat(get(c.uri(), "/health/ready").body())
                        .isEqualTo("not ready: discovery (renewing failed: java.lang.IllegalStateException: registry down)\n");
                assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);

                registry.failing.set(false);
                Await.until(PATIENCE, "the renewal working again", () -> get(c.uri(), "/health/ready").statusCode() == 200);
                assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void drainingIsNotServing() throws Exception {
        Courier c = Courier.builder().name("draining").discovery(LocalDiscovery.builder().directory(dir).build())
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().drainDelay(Duration.ofSeconds(4)).build())
                .build();
        c.serve(Shop.class, sku -> "item " + sku);
        URI uri = c.uri();
        ManagedChannel channel = channel(c);
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            List<ServingStatus> watched = new CopyOnWriteArrayList<>();
            HealthGrpc.newStub(channel).watch(request(""), observer(watched));
            Await.until(PATIENCE, () -> "SERVING watched: " + watched, () -> watched.equals(List.of(ServingStatus.SERVING)));
            assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);

            CompletableFuture<Void> closed = CompletableFuture.runAsync(c::close);
            Await.until(PATIENCE, "/health/ready answering 503", () -> get(uri, "/health/ready").statusCode() == 503);
            assertThat(closed).isNotDone();
            assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
            Await.until(PATIENCE, () -> "NOT_SERVING watched: " + watched,
                    () -> watched.equals(List.of(ServingStatus.SERVING, ServingStatus.NOT_SERVING)));
            closed.get(30, TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            c.close();
        }
    }

    private static ManagedChannel channel(Courier c) {
        URI grpc = c.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
        return NettyChannelBuilder.forAddress(grpc.getHost(), grpc.getPort()).usePlaintext().build();
    }

    private static HealthCheckRequest request(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }

    private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
        return health.withDeadlineAfter(10, TimeUnit.SECONDS).check(request(service)).getStatus();
    }

    private static StreamObserver<HealthCheckResponse> observer(List<ServingStatus> watched) {
        return new StreamObserver<>() {
            @Override
            public void onNext(HealthCheckResponse value) {
                watched.add(value.getStatus());
            }

            @Override
            public void onError(Throwable t) {
                // the channel is shut down at the end of the test
            }

            @Override
            public void onCompleted() {
            }
        };
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

    /** A discovery whose renewals fail while {@link #failing} is set, as a registry out of reach. */
    private static final class FailingRegistry implements io.courier.discovery.Discovery {
        final AtomicBoolean failing = new AtomicBoolean();
        private final io.courier.discovery.Discovery inner;

        FailingRegistry(io.courier.discovery.Discovery inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public void register(ServiceInstance instance) {
            inner.register(instance);
        }

        @Override
        public void renew(ServiceInstance instance) {
            if (failing.get()) {
                throw new IllegalStateException("registry down");
            }
            inner.renew(instance);
        }

        @Override
        public void deregister(ServiceInstance instance) {
            inner.deregister(instance);
        }

        @Override
        public Duration renewInterval() {
            return Duration.ofMillis(100);
        }

        @Override
        public Watch watch(String service, Listener listener) {
            return inner.watch(service, listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
