package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One method called and served over two transports through the same interceptors keeps a series
 * per transport on each side: the meters found by method alone are still told apart by
 * {@code rpc.system}.
 */
class TransportSeriesTest {
    @Test
    void oneMethodOverRestAndGrpcIsTwoSeriesOnEachSide() {
        CourierMetrics metrics = CourierMetrics.builder().build();
        try (Courier stock = Courier.builder().name("stock").transport(new HttpTransportFactory())
                .transport(new GrpcTransportFactory()).clientInterceptor(metrics.clientInterceptor())
                .serverInterceptor(metrics.serverInterceptor()).build()) {
            stock.serve(Stock.class, sku -> sku.length());
            Stock overRest = stock.client(Stock.class).target(uri(stock, "http")).deadline(Duration.ofSeconds(10)).build();
            Stock overGrpc = stock.client(Stock.class).target(uri(stock, "grpc")).deadline(Duration.ofSeconds(10)).build();
            for (int i = 0; i < 3; i++) {
                assertThat(overRest.level("abc")).isEqualTo(3);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(overGrpc.level("ab")).isEqualTo(2);
            }
            // Alternating again finds each transport's meters, not the first ones registered.
            assertThat(overRest.level("a")).isEqualTo(1);

            MeterRegistry registry = metrics.registry();
            for (String side : new String[] {"client", "server"}) {
                assertThat(count(registry, side, "rest")).as(side + " rest").isEqualTo(4);
                assertThat(count(registry, side, "grpc")).as(side + " grpc").isEqualTo(2);
                assertThat(registry.find("rpc." + side + ".duration").timers()).as(side).hasSize(2);
                assertThat(registry.find("rpc." + side + ".active_requests").gauges()).as(side).hasSize(2)
                        .allSatisfy(g -> assertThat(g.value()).isZero());
            }
        }
    }

    private static long count(MeterRegistry registry, String side, String system) {
        return registry.get("rpc." + side + ".duration").tags("rpc.system", system, "rpc.service", "stock",
                "rpc.method", "level", "rpc.response.status_code", "OK").timer().count();
    }

    private static URI uri(Courier c, String scheme) {
        return c.uris().stream().filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
    }
}
