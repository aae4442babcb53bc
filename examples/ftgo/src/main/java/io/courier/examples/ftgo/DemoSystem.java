package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.Interceptor;
import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.examples.ftgo.accounting.Accounting;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.consumer.ConsumerServiceImpl;
import io.courier.examples.ftgo.delivery.Couriers;
import io.courier.examples.ftgo.delivery.DeliveryService;
import io.courier.examples.ftgo.delivery.QuoteRequest;
import io.courier.examples.ftgo.kitchen.Kitchen;
import io.courier.examples.ftgo.kitchen.KitchenService;
import io.courier.examples.ftgo.notification.NotificationService;
import io.courier.examples.ftgo.notification.Notifications;
import io.courier.examples.ftgo.order.OrderCreated;
import io.courier.examples.ftgo.order.OrderService;
import io.courier.examples.ftgo.order.OrderServiceImpl;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.MessageBroker;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running demo, on embedded defaults in one JVM: the order, consumer (three instances),
 * kitchen, accounting, notification and delivery services, each its own {@link Courier}
 * answering REST and gRPC on one port, those that use messages each with its own
 * {@link Messaging} on one broker (in memory, or the one given), and a {@link StaticDiscovery} through which the
 * order service finds the consumer and accounting services.
 *
 * <p>The three consumer instances are listed in discovery as a fixed deployment lists them,
 * not by themselves: an instance that stops stays listed, as a crashed one would until someone
 * notices, and the order service's client copes with retries and a breaker per endpoint.
 */
public final class DemoSystem implements AutoCloseable {
    /** The services, in the order of their ports: the first gets the first port, and so on. */
    public static final List<String> SERVICES = List.of("consumer-1", "order", "consumer-2", "consumer-3",
            "kitchen", "accounting", "notification", "delivery");

    private final MessageBroker broker;
    private final boolean ownsBroker;
    private final StaticDiscovery discovery = StaticDiscovery.create();
    private final Map<String, Courier> couriers = new LinkedHashMap<>();
    private final List<Messaging> messagings = new ArrayList<>();
    private final Map<String, ConsumerServiceImpl> consumers = new LinkedHashMap<>();
    private final Map<URI, String> consumerEndpoints = new LinkedHashMap<>();
    private final int firstPort;
    private final List<Interceptor> clientInterceptors = new ArrayList<>();
    private final List<Interceptor> serverInterceptors = new ArrayList<>();
    private Attempts consumerAttempts;
    private CircuitBreakers consumerBreakers;

    private DemoSystem(int firstPort, MessageBroker broker, boolean ownsBroker) {
        this.firstPort = firstPort;
        this.broker = broker;
        this.ownsBroker = ownsBroker;
    }

    /**
     * Starts every service, on ports {@code firstPort}, {@code firstPort + 1}, ... in the order of
     * {@link #SERVICES}, or on free ports when {@code firstPort} is 0.
     */
    public static DemoSystem start(int firstPort) {
        return start(firstPort, InMemoryBroker.create(), true);
    }

    /**
     * As {@link #start(int)}, with every message on {@code broker} (Kafka, RabbitMQ, ...), which
     * stays open when the system closes.
     */
    public static DemoSystem start(int firstPort, MessageBroker broker) {
        return start(firstPort, java.util.Objects.requireNonNull(broker, "broker"), false);
    }

    /**
     * As {@link #start(int)}, with {@code client} and {@code server} interceptors (metrics,
     * tracing) outermost in every service's {@link Courier} and {@link Messaging}.
     */
    static DemoSystem start(int firstPort, List<Interceptor> client, List<Interceptor> server) {
        return start(firstPort, InMemoryBroker.create(), true, client, server);
    }

    /** As {@link #start(int, MessageBroker)}, with interceptors as {@link #start(int, List, List)}. */
    static DemoSystem start(int firstPort, MessageBroker broker, List<Interceptor> client, List<Interceptor> server) {
        return start(firstPort, java.util.Objects.requireNonNull(broker, "broker"), false, client, server);
    }

    private static DemoSystem start(int firstPort, MessageBroker broker, boolean ownsBroker) {
        return start(firstPort, broker, ownsBroker, List.of(), List.of());
    }

    private static DemoSystem start(int firstPort, MessageBroker broker, boolean ownsBroker, List<Interceptor> client,
                                    List<Interceptor> server) {
        DemoSystem system = new DemoSystem(firstPort, broker, ownsBroker);
        system.clientInterceptors.addAll(client);
        system.serverInterceptors.addAll(server);
        try {
            system.startAll();
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private void startAll() {
        for (String instance : List.of("consumer-1", "consumer-2", "consumer-3")) {
            ConsumerServiceImpl impl = new ConsumerServiceImpl();
            // Its own empty registry: the deployment lists the instance in the shared one, below.
            Courier c = courier(instance, StaticDiscovery.create()).serve(ConsumerService.class, impl);
            consumers.put(instance, impl);
            List<URI> uris = c.uris().stream().filter(u -> !"inproc".equals(u.getScheme())).toList();
            uris.stream().filter(u -> "grpc".equals(u.getScheme())).forEach(u -> consumerEndpoints.put(u, instance));
            discovery.register(ServiceInstance.of("consumer", instance, uris));
        }

        Kitchen kitchen = new Kitchen();
        courier("kitchen", discovery).serve(KitchenService.class, kitchen);
        messaging("kitchen-service").handle(KitchenService.class, kitchen);

        Accounting accounting = new Accounting();
        courier("accounting", discovery).serve(AccountingService.class, accounting);
        messaging("accounting-service").subscribe(OrderCreated.class, "accounting", accounting::onOrderCreated);

        Notifications notifications = new Notifications();
        courier("notification", discovery).serve(NotificationService.class, notifications);
        Messaging notificationMessages = messaging("notification-service");
        notificationMessages.handle(NotificationService.class, notifications);
        notificationMessages.subscribe(OrderCreated.class, "notification", notifications::onOrderCreated);

        Couriers delivery = new Couriers();
        courier("delivery", discovery).serve(DeliveryService.class, delivery);
        for (String name : Couriers.ON_DUTY) {
            // Each courier answers as itself: its own Messaging (replies are gathered one per
            // sender) in its own group (so each gets every request).
            messaging(name).respond(QuoteRequest.class, name, r -> delivery.quote(name, r));
        }

        Courier orders = courier("order", discovery);
        consumerAttempts = new Attempts();
        OrderClients clients = OrderClients.of(orders, consumerAttempts);
        consumerBreakers = clients.breakers();
        orders.serve(OrderService.class, new OrderServiceImpl(clients.consumer(), clients.accounting(), messaging("order-service")));
    }

    private Courier courier(String service, Discovery registry) {
        int port = firstPort == 0 ? 0 : firstPort + SERVICES.indexOf(service);
        Courier.Builder b = Courier.builder().name(service + "-service").port(port).discovery(registry);
        clientInterceptors.forEach(b::clientInterceptor);
        serverInterceptors.forEach(b::serverInterceptor);
        Courier c = b.build();
        couriers.put(service, c);
        return c;
    }

    private Messaging messaging(String name) {
        // JSON on the broker too, whatever else is on the class path: messages stay readable.
        Messaging.Builder b = Messaging.builder().name(name).broker(broker).codec(JsonCodec.create());
        clientInterceptors.forEach(b::clientInterceptor);
        serverInterceptors.forEach(b::serverInterceptor);
        Messaging m = b.build();
        messagings.add(m);
        return m;
    }

    /** Where {@code service} (one of {@link #SERVICES}) answers REST; gRPC answers on the same port. */
    public URI uri(String service) {
        Courier c = couriers.get(service);
        if (c == null) {
            throw new IllegalArgumentException("service: " + service + " (expected: one of " + SERVICES + ")");
        }
        return c.uri();
    }

    /** Where the order service answers REST. */
    public URI orderService() {
        return uri("order");
    }

    /** Where the first consumer instance answers REST. */
    public URI consumerService() {
        return uri("consumer-1");
    }

    /** The discovery every service of the demo uses; clients of the demo may use it too. */
    public Discovery discovery() {
        return discovery;
    }

    /** The orders each consumer instance has validated so far, by instance. */
    public Map<String, Long> consumerValidations() {
        Map<String, Long> counts = new LinkedHashMap<>();
        consumers.forEach((name, impl) -> counts.put(name, impl.validations()));
        return counts;
    }

    /** The consumer instance behind a gRPC endpoint of the order service's consumer client. */
    Optional<String> consumerInstance(URI endpoint) {
        return Optional.ofNullable(consumerEndpoints.get(endpoint));
    }

    /** The gRPC endpoint of a consumer instance. */
    URI consumerEndpoint(String instance) {
        return consumerEndpoints.entrySet().stream().filter(e -> e.getValue().equals(instance))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** The attempts of the order service's consumer client. */
    Attempts consumerAttempts() {
        return consumerAttempts;
    }

    /** The state of the order service's breaker for a consumer endpoint. */
    CircuitBreaker.State consumerBreaker(URI endpoint) {
        return consumerBreakers.state(endpoint);
    }

    /**
     * Stops a consumer instance at once, as a crash would, without telling discovery: its
     * endpoint stays listed.
     */
    public void stopConsumer(String instance) {
        if (!consumers.containsKey(instance)) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: one of " + consumers.keySet() + ")");
        }
        couriers.get(instance).close();
    }

    @Override
    public void close() {
        // Callers first, so nothing calls a service that has gone.
        List<Courier> all = new ArrayList<>(couriers.values());
        Collections.reverse(all);
        messagings.forEach(Messaging::close);
        all.forEach(Courier::close);
        if (ownsBroker) {
            broker.close();
        }
    }
}
