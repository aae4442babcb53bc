package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Request and response sizes, in bytes as the transport encoded them, on both sides of a REST
 * call; none for gRPC, whose transport does not report them yet.
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
            s.serve(Echo.class, text -> text + "!");
            Echo rest = c.client(Echo.class).target(s.uri()).build();
            URI grpcUri = s.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
            Echo grpc = c.client(Echo.class).target(grpcUri).build();

            assertThat(rest.echo("hello")).isEqualTo("hello!");
            assertThat(rest.echo("hello, world")).isEqualTo("hello, world!");
            assertThat(grpc.echo("hello")).isEqualTo("hello!");

            // JSON: "hello" is 7 bytes, "hello!" 8; "hello, world" 14, "hello, world!" 15.
            for (MeterRegistry r : new MeterRegistry[] {server.registry(), client.registry()}) {
                String side = r == server.registry() ? "server" : "client";
                String system = "rest";
                DistributionSummary request = summary(r, "rpc." + side + ".request.size", system);
                DistributionSummary response = summary(r, "rpc." + side + ".response.size", system);
                assertThat(request).as(side + " request size").isNotNull();
                assertThat(request.count()).isEqualTo(2);
                assertThat(request.totalAmount()).isEqualTo(7 + 14);
                assertThat(request.max()).isEqualTo(14);
                assertThat(response.count()).isEqualTo(2);
                assertThat(response.totalAmount()).isEqualTo(8 + 15);
                assertThat(summary(r, "rpc." + side + ".request.size", "grpc")).as(side + ": no gRPC size").isNull();
            }
            assertThat(server.registry().get("rpc.server.request.size").summary().getId().getBaseUnit()).isEqualTo("bytes");
        }
    }
}
