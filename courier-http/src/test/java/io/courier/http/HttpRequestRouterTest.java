package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.spi.ClientTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Another transport of the same Courier attaches a router to the REST server when shown its
 * peers: the requests it accepts are its own, every other one is REST's, on one port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpRequestRouterTest {
    /** A transport with no server of its own, answering requests that carry {@code x-route: side}. */
    private static final class SideTransport implements Transport, HttpRequestRouter {
        final AtomicReference<ServerTransport> rest = new AtomicReference<>();

        @Override
        public String name() {
            return "side";
        }

        @Override
        public Set<String> schemes() {
            return Set.of("side");
        }

        @Override
        public ClientTransport client() {
            throw new UnsupportedOperationException("no client in this test");
        }

        @Override
        public Optional<ServerTransport> server() {
            return Optional.empty();
        }

        @Override
        public void peers(List<Transport> transports) {
            transports.forEach(t -> HttpTransportFactory.attach(t, this).ifPresent(rest::set));
        }

        @Override
        public boolean accepts(HttpServerRequest request) {
            return "side".equals(request.getHeader("x-route"));
        }

        @Override
        public void handle(HttpServerRequest request) {
            request.response().setStatusCode(299).end("side answered " + request.path());
        }

        @Override
        public void close() {
        }
    }

    private final SideTransport side = new SideTransport();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;

    @BeforeAll
    void start() {
        TransportFactory sideFactory = new TransportFactory() {
            @Override
            public String name() {
                return "side";
            }

            @Override
            public Transport create(TransportContext context) {
                return side;
            }
        };
        server = Courier.builder().transport(new HttpTransportFactory()).transport(sideFactory).build()
                .serve(Shop.class, new ShopImpl());
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    @Test
    void theRouterAnswersWhatItAcceptsAndRestTheRest() throws Exception {
        URI base = server.uri();
        HttpResponse<String> routed = http.send(HttpRequest.newBuilder(base.resolve("/orders/5")).header("x-route", "side")
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> rest = http.send(HttpRequest.newBuilder(base.resolve("/orders/5")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(routed.statusCode()).isEqualTo(299);
        assertThat(routed.body()).isEqualTo("side answered /orders/5");
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(rest.body()).contains("\"id\":5");
    }

    @Test
    void attachingGivesTheRestServerAndItsPort() {
        assertThat(side.rest.get()).isNotNull();
        assertThat(side.rest.get().localAddress().getPort()).isEqualTo(server.uri().getPort());
        assertThat(HttpTransportFactory.attach(side, side)).as("only courier-http's transport takes routers").isEmpty();
    }
}
