package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.UnimplementedException;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * REST carries a stream of responses as Server-Sent Events (see {@code ServerSentEventsTest}) and
 * no stream of requests: a contract with such methods is served for its other methods, a request
 * to one is answered 501 naming it and gRPC, and a REST client calling any streaming method
 * fails at once without sending anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingMethodsTest {
    /** One tick; public, as the dispatcher invokes the contract by reflection. */
    public record Tick(long n) {
    }

    /** A contract of one plain method and every stream shape. */
    @Service("ticks")
    public interface Ticks {
        @Get("/ticks/{n}")
        Tick one(@Path("n") long n);

        Stream<Tick> count(Tick upTo);

        Tick sum(Stream<Tick> ticks);

        Stream<Tick> doubled(Stream<Tick> ticks);
    }

    /** Runs of the methods streaming their requests, which REST never reaches. */
    private final AtomicInteger streamsRun = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private Courier client;

    @BeforeAll
    void start() {
        server = Courier.builder().name("ticks").build().serve(Ticks.class, new Ticks() {
            @Override
            public Tick one(long n) {
                return new Tick(n);
            }

            @Override
            public Stream<Tick> count(Tick upTo) {
                return Stream.of(upTo);
            }

            @Override
            public Tick sum(Stream<Tick> ticks) {
                streamsRun.incrementAndGet();
                return new Tick(ticks.mapToLong(Tick::n).sum());
            }

            @Override
            public Stream<Tick> doubled(Stream<Tick> ticks) {
                streamsRun.incrementAndGet();
                return ticks;
            }
        });
        client = Courier.builder().name("tick-client").build();
    }

    @AfterAll
    void stop() {
        http.close();
        client.close();
        server.close();
    }

    private HttpResponse<String> restCall(String method) throws Exception {
        MethodDescriptor m = ServiceDescriptor.of(Ticks.class).method(method).orElseThrow();
        URI uri = server.uri().resolve(m.path().toString());
        return http.send(HttpRequest.newBuilder(uri).header("content-type", "application/json")
                .method(m.httpMethod().name(), BodyPublishers.ofString("{\"n\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOtherMethodsAreServed() throws Exception {
        HttpResponse<String> one = http.send(HttpRequest.newBuilder(server.uri().resolve("/ticks/7")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).isEqualTo("{\"n\":7}");
    }

    @Test
    void aRestCallToAMethodStreamingItsRequestsIs501NamingItAndGrpc() throws Exception {
        HttpResponse<String> sum = restCall("sum");
        HttpResponse<String> doubled = restCall("doubled");

        for (HttpResponse<String> r : java.util.List.of(sum, doubled)) {
            assertThat(r.statusCode()).isEqualTo(501);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"code\":\"UNIMPLEMENTED\"", "which REST does not carry", "over gRPC");
        }
        assertThat(sum.body()).contains("ticks.sum streams its requests");
        assertThat(doubled.body()).contains("ticks.doubled streams its requests and responses");
        assertThat(streamsRun).as("no streaming implementation ran").hasValue(0);
    }

    @Test
    void aMethodStreamingItsResponsesAnswersEvents() throws Exception {
        HttpResponse<String> count = restCall("count");

        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(count.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(count.body()).isEqualTo("data: {\"n\":1}\n\n");
    }

    @Test
    void aRestClientFailsFastOnAStreamingMethod() {
        Ticks ticks = client.client(Ticks.class).target(server.uri()).build();
        AtomicInteger pulled = new AtomicInteger();

        Throwable count = catchThrowable(() -> ticks.count(new Tick(3)));
        Throwable sum = catchThrowable(() -> ticks.sum(Stream.generate(() -> new Tick(pulled.incrementAndGet())).limit(5)));

        assertThat(count).isInstanceOf(UnimplementedException.class)
                .hasMessageContaining("ticks.count streams its responses, which the REST client does not read (expected: call it over gRPC");
        assertThat(sum).isInstanceOf(UnimplementedException.class).hasMessageContaining("ticks.sum streams its requests");
        assertThat(pulled).as("the request stream was not read").hasValue(0);
        assertThat(streamsRun).hasValue(0);
        assertThat(ticks.one(4)).isEqualTo(new Tick(4));
    }
}
