package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.console.Console;
import io.courier.discovery.Discovery;
import io.courier.examples.ftgo.accounting.Accounting;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.consumer.ConsumerServiceImpl;
import io.courier.examples.ftgo.delivery.Couriers;
import io.courier.examples.ftgo.delivery.DeliveryQuote;
import io.courier.examples.ftgo.delivery.DeliveryService;
import io.courier.examples.ftgo.delivery.QuoteRequest;
import io.courier.examples.ftgo.kitchen.Kitchen;
import io.courier.examples.ftgo.kitchen.KitchenService;
import io.courier.examples.ftgo.kitchen.TicketRequest;
import io.courier.examples.ftgo.notification.NotificationService;
import io.courier.examples.ftgo.notification.Notifications;
import io.courier.examples.ftgo.order.LineItem;
import io.courier.examples.ftgo.order.OrderCreated;
import io.courier.examples.ftgo.order.OrderService;
import io.courier.examples.ftgo.order.OrderServiceImpl;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.messaging.spi.MessageBroker;
import io.courier.observability.CourierMetrics;
import io.courier.observability.ObservabilityRoutes;
import io.courier.outbox.Inbox;
import io.courier.outbox.Outbox;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service of the multi-process demo, in a JVM of its own, started by the launcher
 * ({@link DemoProcesses}):
 * {@code DemoNode ROLE INSTANCE PORT BROKER JDBC_URL DISCOVERY}, where ROLE is one of
 * {@code consumer order kitchen accounting notification delivery} and DISCOVERY the local
 * discovery directory or {@code zookeeper=HOST:PORT/BASE/PATH} ({@link DemoDiscovery}). It
 * registers itself there (with metadata {@code instance=INSTANCE}), serves its contract and a
 * {@link DemoProbe} on PORT, and exits when its launcher goes: when its standard input ends or
 * the parent process exits.
 */
public final class DemoNode {
    private static final Logger log = LoggerFactory.getLogger(DemoNode.class);

    /** The discovery names of the demo's services, which the order service's console draws. */
    static final String[] CONSOLE_SERVICES = {"order", "consumer", "kitchen", "accounting", "notification", "delivery"};

    /**
     * How long a hung instance (its process stopped, or cut off) stays in discovery after its last
     * renewal, as in a registry whose sessions time out: long enough that the order service's
     * breaker on it opens first and the console shows it (ConsoleDemoTest). A process that exits
     * leaves at once, whatever this says: its lease is deleted, or its pid is gone.
     */
    static final Duration HUNG_LEASE = Duration.ofSeconds(15);

    /** This process's meters: scraped at /metrics, read by the console. */
    private final CourierMetrics metrics = CourierMetrics.builder().build();
    private final String instance;
    private final int port;
    private final MessageBroker broker;
    private final SimpleDataSource dataSource;
    private final Discovery discovery;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Timings timings = new Timings();
    private Supplier<Map<String, Long>> counters = Map::of;

    private DemoNode(String instance, int port, MessageBroker broker, SimpleDataSource dataSource, Discovery discovery) {
        this.instance = instance;
        this.port = port;
        this.broker = broker;
        this.dataSource = dataSource;
        this.discovery = discovery;
    }

    /** Entry point; see the class description for the arguments. */
    public static void main(String[] args) throws Exception {
        long mainAt = ManagementFactory.getRuntimeMXBean().getUptime();
        if (args.length != 6) {
            System.err.println("usage: DemoNode ROLE INSTANCE PORT BROKER JDBC_URL DISCOVERY (started by ./courier demo)");
            System.exit(2);
        }
        exitWithParent();
        DemoBroker broker = DemoBroker.open(args[3]);
        DemoDiscovery discovery = DemoDiscovery.open(args[5], null);
        DemoNode node = new DemoNode(args[1], Integer.parseInt(args[2]), broker.broker(),
                new SimpleDataSource(args[4], "postgres"), discovery.backend());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            broker.close();
            discovery.close();
        }, "demo-node-stop"));
        try {
            node.start(args[0]);
        } catch (Exception | Error e) {
            // The broker's and the server's threads would keep this JVM alive, serving nothing.
            log.error("{} could not start: {}", args[1], e.getMessage(), e);
            System.exit(1);
        }
        // Where the start-up went, for whoever tunes it: the JVM's own start, then ours.
        log.info("{} serving on port {} (pid {}): {} ms after its JVM started (main() at {} ms), {} ms of CPU, {} classes loaded",
                args[1], args[2], ProcessHandle.current().pid(), ManagementFactory.getRuntimeMXBean().getUptime(), mainAt,
                ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L),
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }

    /** Exits when the launcher goes: its pipe to our standard input closes, or it exits. */
    private static void exitWithParent() {
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the launcher writes nothing; end of input means it has gone
                }
            } catch (java.io.IOException e) {
                // as gone
            }
            log.info("the launcher has gone: exiting");
            System.exit(0);
        }, "demo-node-parent-watch");
        stdin.setDaemon(true);
        stdin.start();
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
    }

    private void start(String role) {
        Courier courier = courier(role);
        switch (role) {
            case "consumer" -> {
                ConsumerServiceImpl impl = new ConsumerServiceImpl();
                courier.serve(ConsumerService.class, impl);
                counters = () -> Map.of("validations", impl.validations());
            }
            case "kitchen" -> {
                Kitchen kitchen = new Kitchen();
                courier.serve(KitchenService.class, kitchen);
                Messaging m = messaging(instance);
                m.handle(KitchenService.class, kitchen);
                subscribeWithInbox(m, "kitchen", event -> {
                });
            }
            case "accounting" -> {
                Accounting accounting = new Accounting();
                courier.serve(AccountingService.class, accounting);
                subscribeWithInbox(messaging(instance), "accounting", accounting::onOrderCreated);
            }
            case "notification" -> {
                Notifications notifications = new Notifications();
                courier.serve(NotificationService.class, notifications);
                Messaging m = messaging(instance);
                m.handle(NotificationService.class, notifications);
                subscribeWithInbox(m, "notification", notifications::onOrderCreated);
            }
            case "delivery" -> {
                Couriers delivery = new Couriers();
                courier.serve(DeliveryService.class, delivery);
                for (String name : Couriers.ON_DUTY) {
                    messaging(name).respond(QuoteRequest.class, name, r -> delivery.quote(name, r));
                }
            }
            case "order" -> order(courier);
            default -> throw new IllegalArgumentException("role: " + role
                    + " (expected: consumer, order, kitchen, accounting, notification or delivery)");
        }
        // Last: its registration tells the launcher this process is ready.
        courier.serve(DemoProbe.class, () -> new DemoProbe.Report(instance, ProcessHandle.current().pid(),
                counters.get().entrySet().stream().map(e -> new DemoProbe.Counter(e.getKey(), e.getValue())).toList(),
                timings.snapshot()));
    }

    private void order(Courier orders) {
        Attempts attempts = new Attempts();
        // As in the one-JVM demo; here an instance killed with kill -9 also leaves discovery at
        // its next rescan, since its process is gone.
        OrderClients clients = OrderClients.of(orders, attempts);
        metrics.bind(clients.breakers(), "consumer");
        // Sends outside a transaction (commands, the scatter, the notice) go to the broker
        // directly; OrderCreated is published inside the order's transaction: a row of the outbox.
        Outbox outbox = Outbox.builder().dataSource(dataSource).sendWithoutTransaction(true).build();
        Messaging messaging = Messaging.builder().name(instance).broker(outbox.broker(broker)).codec(JsonCodec.create())
                .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor()).build();
        open.add(messaging);
        orders.serve(OrderService.class, new OrderServiceImpl(clients.consumer(), clients.accounting(), messaging,
                new PostgresOrders(outbox), timings));
        warmUp(messaging);
        counters = () -> {
            Map<String, Long> c = new TreeMap<>();
            for (Attempts.Attempt a : attempts.since(0)) {
                String key = "attempt " + a.endpoint().getPort() + (a.error() == null ? " ok" : " failed "
                        + a.error().getClass().getSimpleName());
                c.merge(key, 1L, Long::sum);
            }
            return c;
        };
    }

    /**
     * Returns once this process's own broker round trips work: the replies to its commands and
     * scatters come to a consumer of its own, whose partitions are assigned a moment after its
     * first request; an order placed before would wait for them, and its quote wait run out. So
     * the order service registers (and the start-up ends) only when an order can go through.
     */
    private static void warmUp(Messaging messaging) {
        KitchenService kitchen = messaging.commands(KitchenService.class, Duration.ofSeconds(5));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (int i = 1; System.nanoTime() < deadline; i++) {
            try {
                Replies<DeliveryQuote> quotes = messaging.scatter(new QuoteRequest("warm-up-" + i, "-"), DeliveryQuote.class,
                        Couriers.ON_DUTY.size(), Duration.ofSeconds(3)).get();
                kitchen.createTicket(new TicketRequest("warm-up-" + i, "-",
                        List.of(new LineItem("-", 1, Money.euros("0.00"))))).get();
                if (quotes.values().size() == Couriers.ON_DUTY.size()) {
                    return;
                }
            } catch (ExecutionException e) {
                // not yet: the kitchen's or the couriers' consumers, or ours, are being assigned
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("the kitchen and the couriers did not answer over the broker within 90 s; serving anyway");
    }

    private void subscribeWithInbox(Messaging m, String group, java.util.function.Consumer<OrderCreated> handler) {
        Inbox inbox = Inbox.builder().dataSource(dataSource).build();
        open.add(inbox);
        m.subscribe(OrderCreated.class, group, inbox.<OrderCreated>handler((event, connection) -> {
            handler.accept(event);
            PostgresOrders.recordHandled(connection, group, event.orderId(), instance);
        }));
    }

    private Courier courier(String role) {
        Courier.Builder b = Courier.builder().name(role + "-service").port(port).discovery(discovery)
                .instanceMetadata("instance", instance)
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().metrics(metrics).build())
                .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor());
        if (role.equals("order")) {
            // The console, on the order service's port: every service of the demo, its dead letters.
            Messaging letters = messaging(instance + "-console");
            Console.Builder console = Console.builder().discovery(discovery).services(CONSOLE_SERVICES);
            for (String group : List.of("kitchen", "accounting", "notification")) {
                console.deadLetters(letters, Messaging.channelOf(OrderCreated.class), group);
            }
            b.transport(console.build());
        }
        Courier c = b.build();
        open.add(c);
        return c;
    }

    private Messaging messaging(String name) {
        Messaging m = Messaging.builder().name(name).broker(broker).codec(JsonCodec.create())
                .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor()).build();
        open.add(m);
        return m;
    }

    private void close() {
        List<AutoCloseable> all = new ArrayList<>(open);
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", c, e.toString());
            }
        }
    }
}
