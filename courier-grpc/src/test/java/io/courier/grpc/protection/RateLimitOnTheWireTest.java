package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Courier;
import io.courier.ResourceExhaustedException;
import io.courier.grpc.interop.RawUnary;
import io.courier.resilience.RateLimit;
import io.courier.test.FakeClock;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A per-caller rate limit on a live server answering REST and gRPC on one port, on a fake clock:
 * the caller (here its address, 127.0.0.1) shares one bucket across protocols; past it, REST
 * answers 429 with {@code Retry-After}, stock grpc-java gets {@code RESOURCE_EXHAUSTED} with
 * {@code grpc-retry-pushback-ms}, a Courier client a retry-safe exception, and the handler
 * never runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitOnTheWireTest {
    static final Metadata.Key<String> PUSHBACK = Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

    private final FakeClock clock = FakeClock.create();
    private final AtomicInteger runs = new AtomicInteger();
    private Courier server;
    private Courier clients;
    private ManagedChannel channel;
    private HttpClient http;

    @BeforeAll
    void start() {
        RateLimit limit = RateLimit.builder().rate(1, Duration.ofMinutes(1)).burst(2).ticker(clock).build();
        server = Courier.builder().name("work").serverInterceptor(limit).build()
                .serve(Work.class, job -> {
                    runs.incrementAndGet();
                    return new Work.Done(job.name());
                });
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.uri().getPort()).usePlaintext().build();
        clients = Courier.builder().name("clients").build();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        http.close();
        clients.close();
        server.close();
    }

    private HttpResponse<String> post(String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/work"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void overTheRateEveryProtocolIsRefusedSayingWhenToComeBack() throws Exception {
        assertThat(post("a").statusCode()).isEqualTo(200);
        assertThat(post("b").statusCode()).isEqualTo(200);

        HttpResponse<String> rest = post("c");
        assertThat(rest.statusCode()).isEqualTo(429);
        assertThat(rest.headers().firstValue("retry-after")).hasValue("60");
        assertThat(rest.body()).contains("\"code\":\"RESOURCE_EXHAUSTED\"").contains("\"retrySafe\":true");

        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                () -> RawUnary.of(Work.class, "work").call(channel, Duration.ofSeconds(5), Work.protobufJob("d")));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(grpc.getTrailers().get(PUSHBACK)).isEqualTo("60000");

        Work work = clients.client(Work.class).target(server.uri()).build();
        ResourceExhaustedException courier = catchThrowableOfType(ResourceExhaustedException.class,
                () -> work.work(new Work.Job("e")));
        assertThat(courier.retrySafe()).isTrue();
        assertThat(ResourceExhaustedException.retryAfter(courier)).isEqualTo(Duration.ofMinutes(1));
        assertThat(runs).hasValue(2);

        clock.advance(Duration.ofMinutes(1));
        assertThat(work.work(new Work.Job("f"))).isEqualTo(new Work.Done("f"));
        assertThat(runs).hasValue(3);
    }
}
