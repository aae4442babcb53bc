package io.courier.examples.ftgo;

import static io.courier.examples.ftgo.Steps.fail;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.NotFoundException;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.accounting.Charge;
import io.courier.examples.ftgo.consumer.Consumer;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.delivery.DeliveryQuote;
import io.courier.examples.ftgo.delivery.DeliveryService;
import io.courier.examples.ftgo.kitchen.KitchenService;
import io.courier.examples.ftgo.kitchen.Ticket;
import io.courier.examples.ftgo.notification.Notice;
import io.courier.examples.ftgo.notification.NotificationService;
import io.courier.examples.ftgo.order.LineItem;
import io.courier.examples.ftgo.order.NewOrder;
import io.courier.examples.ftgo.order.Order;
import io.courier.examples.ftgo.order.OrderService;
import io.courier.examples.ftgo.order.OrderServiceImpl;
import io.courier.examples.ftgo.order.OrderStatus;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The scenario of the multi-process demo ({@code ./courier demo --once}): each step calls the
 * running processes as a client would and checks the answer; midway it kills a consumer
 * instance's process with {@code kill -9} and restarts the outbox relay, and at the end checks
 * that every order's event reached each of its three groups exactly once. Prints one line per
 * step, then what each interaction style carried; {@link #run()} is true only if every step
 * worked.
 */
final class ProcessScenario {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    static final String KILLED = "consumer-2";
    private static final int ORDERS_ACROSS_KILL = 16;
    private static final int ORDERS_WHILE_RELAY_DOWN = 5;

    private final DemoProcesses demo;
    private final PrintStream out;
    private final Timings timings = new Timings();
    private final List<String> orderIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger ordersFailed = new AtomicInteger();
    private final Steps steps;
    private long killedPid;
    private long relayBacklog;

    ProcessScenario(DemoProcesses demo, PrintStream out) {
        this.demo = demo;
        this.out = out;
        this.steps = new Steps(out);
    }

    /** Runs every step, then prints the summary; true if all of them worked. */
    boolean run() {
        Courier client = demo.client();
        ConsumerService consumers = client.client(ConsumerService.class).target("discovery:consumer?scheme=http")
                .deadline(PATIENCE).build();
        OrderService orders = client.client(OrderService.class).target(demo.uri("order")).deadline(PATIENCE).build();
        URI h2c = URI.create("h2c://" + demo.uri("order").getAuthority());
        OrderService ordersOverHttp2 = client.client(OrderService.class).target(h2c).deadline(PATIENCE).build();
        URI grpc = URI.create("grpc://" + demo.uri("order").getAuthority());
        OrderService ordersOverGrpc = client.client(OrderService.class).target(grpc).deadline(PATIENCE).build();
        AccountingService accounting = client.client(AccountingService.class).target("discovery:accounting?scheme=http")
                .deadline(PATIENCE).build();
        NotificationService notifications = client.client(NotificationService.class)
                .target("discovery:notification?scheme=http").deadline(PATIENCE).build();
        DeliveryService delivery = client.client(DeliveryService.class).target("discovery:delivery?scheme=http")
                .deadline(PATIENCE).build();
        NewOrder lunch = new NewOrder(1, "Ajanta", List.of(
                new LineItem("chicken vindaloo", 1, Money.euros("12.50")),
                new LineItem("naan", 2, Money.euros("2.25"))));

        steps.run("processes: " + DemoProcesses.INSTANCES.size() + " service instances, each in its own JVM, registered "
                + "themselves in local discovery", () -> {
            Map<String, Long> pids = new TreeMap<>();
            for (String instance : DemoProcesses.INSTANCES) {
                pids.put(instance, demo.node(instance).process().pid());
            }
            return pids.entrySet().stream().map(e -> e.getKey() + " pid " + e.getValue()).collect(Collectors.joining(", "));
        });
        steps.run("request/response over REST, the instance found through discovery: GET consumer 1", () -> {
            Consumer ada = consumers.get(1);
            return ada.name().equals("Ada Lovelace") ? "got " + ada.name() : fail("got " + ada);
        });
        Order[] created = new Order[1];
        steps.run("create an order over REST: order-service accepts it", () -> {
            created[0] = create(orders, lunch);
            return created[0].state() == Order.State.APPROVED
                    ? "order " + created[0].id() + " APPROVED, total " + created[0].total().amount() + " EUR"
                    : fail("state " + created[0].state());
        });
        if (created[0] == null) {
            out.println("1 step failed; the others need an order.");
            return false;
        }
        String id = created[0].id();
        steps.run("sync over gRPC: order-service checked the consumer on an instance found through discovery", () -> {
            Map<String, Long> attempts = attemptsByInstance();
            return attempts.isEmpty() ? fail("no attempts recorded") : "attempts so far " + attempts;
        });
        steps.run("sync over REST: accounting authorised the card (found through discovery)", () ->
                created[0].authorizationId() != null ? "authorization " + created[0].authorizationId() : fail("no authorization"));
        steps.run("command with a reply over the broker: a kitchen instance opened the ticket", () -> {
            for (String kitchen : List.of("kitchen-1", "kitchen-2")) {
                KitchenService k = client.client(KitchenService.class).target(demo.uri(kitchen)).deadline(PATIENCE).build();
                try {
                    Ticket t = k.ticket(created[0].ticketId());
                    if (t.orderId().equals(id)) {
                        return "ticket " + t.id() + " " + t.dishes() + " from " + kitchen;
                    }
                } catch (NotFoundException e) {
                    // the other kitchen instance took the command
                }
            }
            return fail("no kitchen has ticket " + created[0].ticketId());
        });
        steps.run("scatter-gather over the broker: " + OrderServiceImpl.COURIERS + " couriers quoted within "
                + OrderServiceImpl.QUOTE_WAIT.toMillis() + " ms, cheapest chosen", () -> {
            List<DeliveryQuote> quotes = delivery.quotes(id);
            return quotes.size() == OrderServiceImpl.COURIERS
                    ? quotes.stream().map(q -> q.courier() + " " + q.fee().amount()).sorted().collect(Collectors.joining(", "))
                    + " -> " + created[0].delivery().courier()
                    : fail("quotes " + quotes);
        });
        steps.run("transactional outbox: OrderCreated committed with the order, relayed, handled once per group through the inbox", () -> {
            Map<String, String> handled = await(() -> handledBy(id), m -> m.size() == 3);
            List<Charge> charges = accounting.charges(1);
            return handled.size() == 3 && charges.stream().anyMatch(c -> c.orderId().equals(id))
                    ? "handled by " + handled : fail("handled by " + handled + ", charges " + charges);
        });
        steps.run("one-way command: notification told the consumer who delivers", () -> {
            List<Notice> sent = await(() -> notifications.sent(1),
                    l -> l.stream().anyMatch(n -> n.orderId().equals(id) && n.text().contains("on its way")));
            return sent.stream().filter(n -> n.orderId().equals(id) && n.text().contains("on its way")).findFirst()
                    .map(n -> "\"" + n.text() + "\"").orElseGet(() -> fail("notices " + sent));
        });
        steps.run("status stream over gRPC (server streaming)", () -> {
            long start = System.nanoTime();
            List<OrderStatus> steps;
            try (var stream = ordersOverGrpc.status(id)) {
                steps = stream.toList();
            }
            timings.record("stream-grpc", System.nanoTime() - start);
            return steps.size() == 4 ? steps.stream().map(OrderStatus::step).collect(Collectors.joining(" -> "))
                    : fail("steps " + steps);
        });
        steps.run("status stream over REST as Server-Sent Events", () -> {
            long start = System.nanoTime();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(demo.uri("order").resolve("/orders/" + id + "/status"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
                timings.record("stream-sse", System.nanoTime() - start);
                long events = r.body().lines().filter(l -> l.startsWith("data:")).count();
                return r.statusCode() == 200 && events == 4 ? events + " events, text/event-stream"
                        : fail(r.statusCode() + " " + r.body());
            }
        });
        steps.run("same contract over HTTP/2 cleartext (h2c): read the order back", () -> {
            Order read = ordersOverHttp2.get(id).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return read.id().equals(id) && read.state() == Order.State.APPROVED ? "same order from " + h2c
                    : fail("got " + read);
        });
        // Refused orders are neither saved nor counted among the orders placed: the checks below stay exact.
        steps.run("typed error across two processes (REST, then gRPC): unknown consumer", () -> {
            try {
                orders.create(new NewOrder(99, "Ajanta", lunch.items()));
                return fail("no error");
            } catch (NotFoundException e) {
                return "NotFoundException: " + e.getMessage();
            }
        });
        steps.run("typed error with details across two processes: order over the consumer's limit", () -> {
            try {
                orders.create(new NewOrder(2, "Ajanta", List.of(new LineItem("thali", 3, Money.euros("15.00")))));
                return fail("no error");
            } catch (FailedPreconditionException e) {
                return "FailedPreconditionException, limit " + e.details().get("limit") + ": " + e.getMessage();
            }
        });
        steps.run("load balancing across processes: 6 orders' consumer checks spread round robin", () -> {
            Map<String, Long> before = validations();
            for (int i = 0; i < 6; i++) {
                create(orders, lunch);
            }
            Map<String, Long> spread = new TreeMap<>();
            validations().forEach((instance, n) -> spread.put(instance, n - before.getOrDefault(instance, 0L)));
            return spread.values().stream().allMatch(n -> n == 3) ? "validations per instance " + spread
                    : fail("validations per instance " + spread);
        });
        steps.run("kill -9 of " + KILLED + "'s process while orders flow: retried elsewhere, gone from discovery", () ->
                killMidRun(orders, lunch));
        steps.run("outbox relay stopped, " + ORDERS_WHILE_RELAY_DOWN + " orders placed, relay started again: "
                + "their events waited in the outbox", () -> restartRelay(orders, lunch));
        steps.run("nothing lost: every order's OrderCreated handled exactly once by each group", this::nothingLost);

        printSummary(notifications);
        return steps.end();
    }

    private Order create(OrderService orders, NewOrder order) {
        long start = System.nanoTime();
        try {
            Order o = orders.create(order);
            orderIds.add(o.id());
            return o;
        } catch (RuntimeException e) {
            ordersFailed.incrementAndGet();
            throw e;
        } finally {
            timings.record("rest-order", System.nanoTime() - start);
        }
    }

    private String killMidRun(OrderService orders, NewOrder lunch) throws Exception {
        Map<String, Long> before = attemptsByInstance();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger placed = new AtomicInteger();
        Thread flow = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < ORDERS_ACROSS_KILL; i++) {
                try {
                    create(orders, lunch);
                    placed.incrementAndGet();
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        });
        if (!awaitTrue(() -> placed.get() >= 4 || !flow.isAlive())) {
            return fail("orders did not flow before the kill");
        }
        long killedAt = System.nanoTime();
        killedPid = demo.kill(KILLED);
        boolean gone = awaitTrue(() -> !demo.registered("consumer").contains(KILLED));
        long goneMillis = (System.nanoTime() - killedAt) / 1_000_000;
        flow.join(PATIENCE.toMillis());
        if (!errors.isEmpty() || placed.get() != ORDERS_ACROSS_KILL) {
            return fail(placed.get() + " of " + ORDERS_ACROSS_KILL + " orders placed; errors " + errors);
        }
        if (!gone) {
            return fail(KILLED + " still listed in discovery " + PATIENCE.toSeconds() + " s after the kill");
        }
        // After it left discovery, every check goes to the instance still running: once each
        // process has rescanned the registry, three orders in a row are checked there alone.
        Map<String, Long> beforeLast = attemptsByInstance();
        int inARow = 0;
        int after = 0;
        while (inARow < 3 && after < 10) {
            Map<String, Long> was = attemptsByInstance();
            create(orders, lunch);
            after++;
            inARow = diff(attemptsByInstance(), was).equals(Map.of("consumer-1 ok", 1L)) ? inARow + 1 : 0;
        }
        Map<String, Long> last = diff(attemptsByInstance(), beforeLast);
        Map<String, Long> across = diff(beforeLast, before);
        long failedAtKilled = across.entrySet().stream().filter(e -> e.getKey().startsWith(KILLED + " failed"))
                .mapToLong(Map.Entry::getValue).sum();
        if (inARow < 3) {
            return fail("checks after " + KILLED + " left discovery: " + last);
        }
        return ORDERS_ACROSS_KILL + " orders placed across the kill of pid " + killedPid + ", none failed; "
                + failedAtKilled + " check attempt(s) at " + KILLED + " failed and were retried on another instance; "
                + KILLED + " left discovery " + goneMillis + " ms after the kill; the checks of the next " + after
                + " orders went to " + last;
    }

    private String restartRelay(OrderService orders, NewOrder lunch) {
        // The earlier orders' events relayed first, so that what waits below is these orders' alone.
        if (!awaitTrue(() -> demo.outboxBacklog() == 0)) {
            return fail("the outbox still holds " + demo.outboxBacklog() + " events before the relay stops");
        }
        demo.stopRelay();
        List<String> placed = new ArrayList<>();
        try {
            for (int i = 0; i < ORDERS_WHILE_RELAY_DOWN; i++) {
                placed.add(create(orders, lunch).id());
            }
            relayBacklog = demo.outboxBacklog();
            boolean noneHandled = placed.stream().allMatch(o -> handledBy(o).isEmpty());
            if (relayBacklog != ORDERS_WHILE_RELAY_DOWN || !noneHandled) {
                return fail("with the relay stopped: outbox backlog " + relayBacklog + ", none handled yet: " + noneHandled);
            }
        } finally {
            demo.startRelay();
        }
        long restarted = System.nanoTime();
        boolean all = awaitTrue(() -> placed.stream().allMatch(o -> handledBy(o).size() == 3));
        return all ? relayBacklog + " events waited in the outbox while the relay was down; the new relay delivered "
                + "them all to the 3 groups in " + (System.nanoTime() - restarted) / 1_000_000 + " ms"
                : fail("after the restart, not all handled: " + placed.stream().map(o -> o + "=" + handledBy(o).keySet()).toList());
    }

    private String nothingLost() {
        long expected = orderIds.size();
        DemoDatabase db = demo.database();
        boolean done = awaitTrue(() -> db.handledByGroup().values().stream().allMatch(v -> v[0] == expected)
                && db.handledByGroup().size() == 3);
        Map<String, long[]> by = db.handledByGroup();
        long saved = db.orders();
        String counts = by.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + " orders/" + e.getValue()[1]
                + " handlings").collect(Collectors.joining(", "));
        boolean once = by.values().stream().allMatch(v -> v[0] == v[1]);
        if (!done || saved != expected || !once || ordersFailed.get() != 0) {
            return fail(expected + " orders accepted, " + saved + " saved, " + ordersFailed.get() + " failed; " + counts);
        }
        return expected + " orders accepted and saved, 0 failed; " + counts + "; outbox empty: " + (demo.outboxBacklog() == 0);
    }

    private void printSummary(NotificationService notifications) {
        DemoProbe.Report order = demo.probe("order");
        Map<String, Timings.Timing> measured = new LinkedHashMap<>();
        order.timings().forEach(t -> measured.put(t.style(), t));
        timings.snapshot().forEach(t -> measured.put(t.style(), t));
        // Only the attempts at the killed instance: the typed errors above failed too, and were rightly not retried.
        String killedAttempts = "attempt " + demo.node(KILLED).port() + " failed";
        long failedChecks = order.counters().stream().filter(c -> c.name().startsWith(killedAttempts))
                .mapToLong(DemoProbe.Counter::value).sum();
        long notices = notifications.sent(1).stream().filter(n -> n.text().contains("on its way")).count();
        long[] events = demo.database().eventLatenciesMicros();
        out.println();
        out.println("What each style carried (latencies as the caller saw them; events: from the order's commit to the handling):");
        out.printf("  %-36s %-42s %6s %9s %9s  %s%n", "style", "what", "count", "p50 ms", "p99 ms", "failures handled");
        row("request/response, REST", "orders created (client -> order)", measured.get("rest-order"), ordersFailed.get() + " orders failed");
        row("request/response, gRPC + discovery", "consumer checks (order -> consumer-N)", measured.get("grpc"),
                failedChecks + " attempts at the killed " + KILLED + " retried");
        row("request/response, REST + discovery", "card authorisations (order -> accounting)", measured.get("rest"), "-");
        row("command with reply, broker", "CreateTicket (order -> kitchen-N)", measured.get("command"), "-");
        row("scatter-gather, broker", "delivery quotes (order -> 3 couriers)", measured.get("scatter"), "-");
        row("event, outbox + relay + inbox", "OrderCreated (order -> 3 groups)", new Timings.Timing("event",
                Arrays.stream(events).boxed().toList(), 0), relayBacklog + " events held over a relay restart");
        out.printf("  %-36s %-42s %6d %9s %9s  %s%n", "one-way command, broker", "notices (order -> notification)", notices,
                "-", "-", "(no reply to time)");
        row("server stream, gRPC", "order status (client -> order)", measured.get("stream-grpc"), "-");
        row("server stream, SSE", "order status (client -> order)", measured.get("stream-sse"), "-");
        int processes = 1 + (int) demo.nodes().values().stream().filter(n -> n.process().isAlive()).count();
        out.printf("Start-up: %.1f s to engines up and %d services registered, using %.1f s of CPU in all (%d cores,"
                + " load average %.1f now). Memory: %d MB resident in %d processes (the launcher with the broker, database"
                + " client and relay, and %d services; %s was killed, pid %d).%n",
                demo.startupSeconds(), DemoProcesses.INSTANCES.size(), demo.startupCpuSeconds(),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                demo.residentBytes() / (1024 * 1024), processes, processes - 1, KILLED, killedPid);
        out.println("Start-up, step by step: " + demo.startupBreakdown() + ".");
        out.println("Logs: " + demo.logs());
    }

    private void row(String style, String what, Timings.Timing t, String failuresHandled) {
        List<Long> micros = t == null ? List.of() : t.micros().stream().sorted().toList();
        out.printf("  %-36s %-42s %6d %9s %9s  %s%n", style, what, micros.size(), percentile(micros, 50),
                percentile(micros, 99), failuresHandled);
    }

    private static String percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int index = Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return String.format("%.1f", sorted.get(index) / 1000.0);
    }

    /** The order service's attempts at the consumer service so far, by instance and outcome. */
    private Map<String, Long> attemptsByInstance() {
        Map<Integer, String> byPort = new LinkedHashMap<>();
        demo.nodes().values().forEach(n -> byPort.put(n.port(), n.instance()));
        Map<String, Long> by = new TreeMap<>();
        for (DemoProbe.Counter c : demo.probe("order").counters()) {
            String[] parts = c.name().split(" ", 3); // "attempt PORT ok" or "attempt PORT failed Error"
            String instance = byPort.getOrDefault(Integer.parseInt(parts[1]), parts[1]);
            by.merge(instance + " " + parts[2], c.value(), Long::sum);
        }
        return by;
    }

    private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    /** Validations per live consumer instance. */
    private Map<String, Long> validations() {
        Map<String, Long> by = new TreeMap<>();
        for (String instance : List.of("consumer-1", "consumer-2")) {
            if (demo.node(instance).process().isAlive()) {
                by.put(instance, demo.probe(instance).counter("validations"));
            }
        }
        return by;
    }

    private Map<String, String> handledBy(String orderId) {
        Map<String, String> by = new TreeMap<>();
        try (var c = demo.database().dataSource().getConnection();
             var ps = c.prepareStatement("SELECT grp, instance FROM demo_handled WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    by.merge(rs.getString(1), rs.getString(2), (a, b) -> a + "+" + b);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("reading demo_handled: " + e.getMessage(), e);
        }
        return by;
    }

    private static boolean awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    private static <T> T await(Supplier<T> read, Predicate<T> done) {
        return Steps.await(PATIENCE, Duration.ofMillis(20), read, done);
    }
}
