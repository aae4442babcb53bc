package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Request and response sizes, in bytes as the transport encoded them, on both sides of REST and
 * gRPC calls.
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
}
