package io.courier.console;

import io.courier.Courier;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.observability.CourierMetrics;
import io.courier.observability.ObservabilityRoutes;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The system the console tests look at: shop (REST and gRPC, metrics, the console) calls two
 * stock instances over gRPC through discovery, with retries and a breaker per endpoint, and
 * publishes {@link Restocked} to them on an in-memory broker; a {@code poison} event fails until
 * {@link #fixPoison()} and is dead-lettered.
 */
final class ShopSystem implements AutoCloseable {
    /** The event of the tests. */
    public record Restocked(String sku) {
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final StaticDiscovery discovery = StaticDiscovery.create();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final AtomicBoolean poisonFixed = new AtomicBoolean();
    final List<String> handled = new CopyOnWriteArrayList<>();
    final Courier stock2;
    private ServiceInstance stock2Instance;
    final Courier shop;
    final Shop client;

    ShopSystem() {
        this(console -> { });
    }

    /** With the console's settings changed by {@code console} (its actions guarded, say). */
    ShopSystem(java.util.function.Consumer<Console.Builder> console) {
        stock("stock-1", 7);
        stock2 = stock("stock-2", 8);

        CourierMetrics metrics = CourierMetrics.builder().build();
        CircuitBreakers breakers = CircuitBreakers.of(CircuitBreaker.builder("stock")
                .countWindow(2).minimumCalls(2).failureRateThreshold(50).waitInOpen(Duration.ofMinutes(5)));
        metrics.bind(breakers, "stock");
        Messaging shopEvents = closing(Messaging.builder().name("shop").broker(broker).codec(JsonCodec.create())
                .clientInterceptor(metrics.clientInterceptor()).build());
        // shop registers itself with discovery; the stock servers have none and are listed by hand.
        shop = closing(Courier.builder().name("shop").discovery(discovery)
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().metrics(metrics).build())
                .transport(consoleOf(console, Console.builder().discovery(discovery).services("shop", "stock")
                        .refresh(Duration.ofMillis(200)).window(Duration.ofSeconds(30))
                        .deadLetters(shopEvents, "Restocked", "stock")))
                .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor())
                .build());
        Stock stock = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
                .endpointBreakers(breakers).build()
                .applyTo(shop.client(Stock.class), LoadBalancers.roundRobin())
                .target("discovery:stock?scheme=grpc").endpointInterceptor(metrics.attemptInterceptor())
                .deadline(Duration.ofSeconds(10)).build();
        shop.serve(Shop.class, sku -> {
            shopEvents.publish(new Restocked(sku), sku);
            return sku + ":" + stock.level(sku);
        });
        client = closing(Courier.builder().name("client").transport(new HttpTransportFactory()).build())
                .client(Shop.class).target(shop.uri().toString()).build();
    }

    private static Console consoleOf(java.util.function.Consumer<Console.Builder> settings, Console.Builder b) {
        settings.accept(b);
        return b.build();
    }

    /** The console's page. */
    URI console() {
        return shop.uri().resolve("/console/");
    }

    /** Takes stock-2 out of discovery, as an instance that stops and is noticed does. */
    void delistStock2() {
        discovery.deregister(stock2Instance);
    }

    /** From now on the poison event is handled like the others. */
    void fixPoison() {
        poisonFixed.set(true);
    }

    private Courier stock(String id, int level) {
        CourierMetrics metrics = CourierMetrics.builder().build();
        Courier c = closing(Courier.builder().name(id).transport(new HttpTransportFactory())
                .transport(new GrpcTransportFactory()).transport(ObservabilityRoutes.builder().metrics(metrics).build())
                .serverInterceptor(metrics.serverInterceptor()).build());
        c.serve(Stock.class, sku -> level);
        Messaging events = closing(Messaging.builder().name(id).broker(broker).codec(JsonCodec.create())
                .serverInterceptor(metrics.serverInterceptor())
                .retry(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build()).build());
        metrics.bindMessaging(events);
        events.subscribe(Restocked.class, "stock", e -> {
            if (e.sku().equals("poison") && !poisonFixed.get()) {
                throw new IllegalStateException("cannot restock poison yet");
            }
            handled.add(e.sku());
        });
        URI grpc = c.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
        ServiceInstance instance = ServiceInstance.of("stock", id, List.of(c.uri(), grpc));
        discovery.register(instance);
        if (id.equals("stock-2")) {
            stock2Instance = instance;
        }
        return c;
    }

    private <T extends AutoCloseable> T closing(T c) {
        open.add(0, c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        broker.close();
    }
}
