package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Request and response sizes, in bytes as the transport encoded them, on both sides of REST and
 * gRPC calls; problem bodies, server-sent events, and the payloads of published and handled
 * messages.
 */
class SizeMetricsTest {
    private static DistributionSummary summary(MeterRegistry r, String name, String system) {
        return r.find(name).tag("rpc.system", system).tag("rpc.service", "echo").tag("rpc.method", "echo").summary();
    }

    @Test
    void restRequestAndResponseBodiesAreMeasuredOnBothSides() {
        CourierMetrics server = CourierMetrics.builder().build();
        CourierMetrics client = CourierMetrics.builder().build();
        try (Courier s = Courier.builder().name("echo").transport(new HttpTransportFactory())
                .transport(new GrpcTransportFactory()).serverInterceptor(server.serverInterceptor()).build();
             Courier c = Courier.builder().name("caller").transport(new HttpTransportFactory())
                     .transport(new GrpcTransportFactory()).clientInterceptor(client.clientInterceptor()).build()) {
            s.serve(Echo.class, new Echo() {
                @Override
                public String echo(String text) {
                    return text + "!";
                }

                @Override
                public Stream<String> spell(String word) {
                    return word.chars().mapToObj(ch -> Character.toString(ch));
                }
            });
            Echo rest = c.client(Echo.class).target(s.uri()).build();
            URI grpcUri = s.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
            Echo grpc = c.client(Echo.class).target(grpcUri).build();

            for (Echo echo : new Echo[] {rest, grpc}) {
                assertThat(echo.echo("hello")).isEqualTo("hello!");
                assertThat(echo.echo("hello, world")).isEqualTo("hello, world!");
            }

            // JSON "hello" is 7 bytes, "hello!" 8, "hello, world" 14, "hello, world!" 15; Protobuf
            // the same here (a tag and a length byte for the quotes): field 1, 5 bytes of text.
            for (MeterRegistry r : new MeterRegistry[] {server.registry(), client.registry()}) {
                String side = r == server.registry() ? "server" : "client";
                for (String system : new String[] {"rest", "grpc"}) {
                    DistributionSummary request = summary(r, "rpc." + side + ".request.size", system);
                    DistributionSummary response = summary(r, "rpc." + side + ".response.size", system);
                    assertThat(request).as(side + " " + system + " request size").isNotNull();
                    assertThat(request.count()).isEqualTo(2);
                    assertThat(request.totalAmount()).isEqualTo(7 + 14);
                    assertThat(request.max()).isEqualTo(14);
                    assertThat(response.count()).isEqualTo(2);
                    assertThat(response.totalAmount()).isEqualTo(8 + 15);
                }
            }
            // A stream: each message measured, "a" is 3 bytes in Protobuf (tag, length, the letter).
            try (Stream<String> letters = grpc.spell("abc")) {
                assertThat(letters.toList()).containsExactly("a", "b", "c");
            }
            for (MeterRegistry r : new MeterRegistry[] {server.registry(), client.registry()}) {
                String side = r == server.registry() ? "server" : "client";
                DistributionSummary response = r.get("rpc." + side + ".response.size").tag("rpc.system", "grpc")
                        .tag("rpc.method", "spell").summary();
                assertThat(response.count()).as(side).isEqualTo(3);
                assertThat(response.totalAmount()).as(side).isEqualTo(9);
            }
            assertThat(server.registry().get("rpc.server.request.size").summary().getId().getBaseUnit()).isEqualTo("bytes");
        }
    }

    /** An event of the messaging part. */
    public record Packed(String order) {
    }

    @Test
    void problemBodiesServerSentEventsAndMessagesAreMeasured() throws Exception {
        CourierMetrics server = CourierMetrics.builder().build();
        CourierMetrics client = CourierMetrics.builder().build();
        try (Courier s = Courier.builder().name("echo").transport(new HttpTransportFactory())
                .serverInterceptor(server.serverInterceptor()).build();
             Courier c = Courier.builder().name("caller").transport(new HttpTransportFactory())
                     .clientInterceptor(client.clientInterceptor()).build()) {
            s.serve(Echo.class, new Echo() {
                @Override
                public String echo(String text) {
                    throw new io.courier.NotFoundException("no " + text);
                }

                @Override
                public Stream<String> spell(String word) {
                    return word.chars().mapToObj(ch -> Character.toString(ch));
                }
            });
            Echo rest = c.client(Echo.class).target(s.uri()).build();
            assertThatThrownBy(() -> rest.echo("hello")).isInstanceOf(io.courier.NotFoundException.class);

            DistributionSummary served = summary(server.registry(), "rpc.server.response.size", "rest");
            DistributionSummary received = summary(client.registry(), "rpc.client.response.size", "rest");
            assertThat(served.count()).as("the problem body answered").isEqualTo(1);
            assertThat(served.totalAmount()).isGreaterThan(20);
            assertThat(received.count()).as("the problem body received").isEqualTo(1);
            assertThat(received.totalAmount()).isEqualTo(served.totalAmount());

            // Server-sent events (read with the JDK's client: Courier's REST client does not read
            // streams): each event's data, "a" is 3 bytes of JSON.
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                java.net.http.HttpResponse<String> sse = http.send(java.net.http.HttpRequest.newBuilder(
                                s.uri().resolve("/echo/spell")).header("content-type", "application/json")
                        .header("accept", "text/event-stream")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("\"abc\"")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(sse.statusCode()).isEqualTo(200);
                assertThat(sse.body()).contains("data: \"a\"", "data: \"b\"", "data: \"c\"");
            }
            DistributionSummary events = server.registry().get("rpc.server.response.size").tag("rpc.system", "rest")
                    .tag("rpc.method", "spell").summary();
            assertThat(events.count()).isEqualTo(3);
            assertThat(events.totalAmount()).isEqualTo(9);
        }

        CourierMetrics publisher = CourierMetrics.builder().build();
        CourierMetrics handler = CourierMetrics.builder().build();
        int bytes = JsonCodec.create().encode(new Packed("o-1"), Packed.class).length;
        java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging out = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create())
                     .clientInterceptor(publisher.clientInterceptor()).build();
             Messaging in = Messaging.builder().name("packing").broker(broker).codec(JsonCodec.create())
                     .serverInterceptor(handler.serverInterceptor()).build()) {
            in.subscribe(Packed.class, "packing", e -> handled.countDown());
            out.publish(new Packed("o-1"), "o-1");
            assertThat(handled.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Await.until(java.time.Duration.ofSeconds(10), "the handled message measured",
                    () -> handler.registry().find("rpc.server.request.size").tag("rpc.system", "message").summary() != null
                            && handler.registry().find("rpc.server.duration").tag("rpc.system", "message").timer() != null);
            DistributionSummary sent = publisher.registry().get("rpc.client.request.size").tag("rpc.system", "message")
                    .tag("rpc.service", "Packed").tag("rpc.method", "publish").summary();
            DistributionSummary got = handler.registry().get("rpc.server.request.size").tag("rpc.system", "message")
                    .tag("rpc.service", "Packed").tag("rpc.method", "handle").summary();
            assertThat(sent.count()).isEqualTo(1);
            assertThat(sent.totalAmount()).as("the payload published").isEqualTo(bytes);
            assertThat(got.count()).isEqualTo(1);
            assertThat(got.totalAmount()).as("the payload handled").isEqualTo(bytes);
        }
    }
}
