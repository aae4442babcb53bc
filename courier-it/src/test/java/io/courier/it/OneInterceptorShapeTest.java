package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.Interceptor;
import io.courier.annotation.OneWay;
import io.courier.annotation.Service;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One interceptor shape on both sides, for every style: the same client interceptor and the same
 * server interceptor see a REST call, a gRPC call, a command with a reply, a one-way command, an
 * event and a scatter-gather request; the metadata a client interceptor adds reaches the handler
 * whatever carried it.
 */
class OneInterceptorShapeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Service("kitchen")
    public interface Kitchen {
        String prepare(String order);

        @OneWay
        void notifyDelay(String order);
    }

    public record OrderPlaced(String order) {
    }

    public record QuoteRequest(String order) {
    }

    public record Quote(String courier, int cents) {
    }

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();

    /** Writes down each call it sees, and (on the client) adds a tenant header. */
    private Interceptor recording(String side) {
        return (call, next) -> {
            String via = call.target() == null ? "" : " " + call.target().getScheme();
            seen.add(side + " " + call.method().fullName() + via);
            return next.proceed(side.equals("client")
                    ? call.withContext(call.context().withMetadata(call.context().metadata().with("x-tenant", "acme")))
                    : call);
        };
    }

    private final Kitchen impl = new Kitchen() {
        @Override
        public String prepare(String order) {
            handled.add("prepare " + order + " tenant=" + CallContext.current().metadata().get("x-tenant").orElse("-"));
            return "ready " + order;
        }

        @Override
        public void notifyDelay(String order) {
            handled.add("notifyDelay " + order + " tenant=" + CallContext.current().metadata().get("x-tenant").orElse("-"));
        }
    };

    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Courier server = Courier.builder().name("kitchen").discovery(StaticDiscovery.create())
            .serverInterceptor(recording("server")).build();
    private final Courier client = Courier.builder().name("orders").discovery(StaticDiscovery.create())
            .clientInterceptor(recording("client")).build();
    private final Messaging kitchenSide = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create())
            .serverInterceptor(recording("server")).build();
    private final Messaging orderSide = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create())
            .clientInterceptor(recording("client")).build();

    @AfterEach
    void close() {
        orderSide.close();
        kitchenSide.close();
        client.close();
        server.close();
        broker.close();
    }

    private URI uri(String scheme) {
        return server.uris().stream().filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
    }

    @Test
    void theSameInterceptorsSeeRestGrpcAndCommandsAndTheirHeadersArriveEverywhere() {
        server.serve(Kitchen.class, impl);
        kitchenSide.handle(Kitchen.class, impl);
        Kitchen overRest = client.client(Kitchen.class).target(uri("http")).build();
        Kitchen overGrpc = client.client(Kitchen.class).target(uri("grpc")).build();
        Kitchen byCommand = orderSide.commands(Kitchen.class, PATIENCE);

        assertThat(overRest.prepare("r-1")).isEqualTo("ready r-1");
        assertThat(overGrpc.prepare("g-1")).isEqualTo("ready g-1");
        assertThat(byCommand.prepare("c-1")).isEqualTo("ready c-1");
        byCommand.notifyDelay("c-2");
        Await.until(PATIENCE, "the one-way command handled", () -> handled.stream().anyMatch(h -> h.contains("c-2")));

        assertThat(seen).contains(
                "client kitchen.prepare http", "client kitchen.prepare grpc", "client kitchen.prepare broker",
                "client kitchen.notifyDelay broker");
        assertThat(seen.stream().filter(s -> s.equals("server kitchen.prepare"))).as("REST, gRPC and command").hasSize(3);
        assertThat(seen).contains("server kitchen.notifyDelay");
        assertThat(handled).containsExactlyInAnyOrder("prepare r-1 tenant=acme", "prepare g-1 tenant=acme",
                "prepare c-1 tenant=acme", "notifyDelay c-2 tenant=acme");
    }

    @Test
    void theSameInterceptorsSeeEventsAndScatterGatherOnBothSides() {
        kitchenSide.subscribe(OrderPlaced.class, "kitchen", event -> handled.add("handle " + event.order() + " tenant="
                + CallContext.current().metadata().get("x-tenant").orElse("-")));
        kitchenSide.respond(QuoteRequest.class, "courier-a", request -> {
            handled.add("respond " + request.order() + " tenant="
                    + CallContext.current().metadata().get("x-tenant").orElse("-"));
            return new Quote("courier-a", 450);
        });

        orderSide.publish(new OrderPlaced("e-1"), "e-1");
        Replies<Quote> quotes = orderSide.scatter(new QuoteRequest("s-1"), Quote.class, 1, PATIENCE).join();
        Await.until(PATIENCE, "the event handled", () -> handled.stream().anyMatch(h -> h.contains("e-1")));

        assertThat(quotes.values()).containsExactly(new Quote("courier-a", 450));
        // The service of an event is its channel, the method the step, the target the broker.
        assertThat(seen).containsExactlyInAnyOrder("client OrderPlaced.publish broker", "server OrderPlaced.handle",
                "client QuoteRequest.scatter broker", "server QuoteRequest.respond");
        assertThat(handled).containsExactlyInAnyOrder("handle e-1 tenant=acme", "respond s-1 tenant=acme");
    }
}
