package io.courier.examples.ftgo;

import static io.courier.examples.ftgo.Steps.fail;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.NotFoundException;
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
import io.courier.resilience.CircuitBreaker;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The demo's scenario: each step calls the running system as a client would and checks the
 * answer. Prints one line per step; {@link #run()} is true only if every step worked. Whatever
 * happens asynchronously (events, one-way commands) is awaited by polling with a deadline.
 */
public final class Scenario {
    /** How long a call or a wait may take: generous, since it only bounds a hang on a loaded machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String STOPPED = "consumer-2";
    /**
     * Orders within which the stopped instance's breaker must open: its breaker judges at least 10
     * calls, and round robin sends it every third attempt.
     */
    private static final int MAX_ORDERS_TO_EJECT = 60;

    private final DemoSystem system;
    private final Steps steps;

    /** A scenario against {@code system}, reporting to {@code out}. */
    public Scenario(DemoSystem system, PrintStream out) {
        this.system = system;
        this.steps = new Steps(out);
    }

    /** Runs every step; true if all of them worked. */
    public boolean run() {
        try (Courier client = Courier.builder().name("demo-client").discovery(system.discovery()).build()) {
            ConsumerService consumers = rest(client, ConsumerService.class, "consumer-1");
            OrderService orders = client.client(OrderService.class).target(system.orderService())
                    .deadline(PATIENCE).build();
            URI h2c = URI.create("h2c://" + system.orderService().getAuthority());
            OrderService ordersOverHttp2 = client.client(OrderService.class).target(h2c).deadline(PATIENCE).build();
            URI grpc = URI.create("grpc://" + system.orderService().getAuthority());
            OrderService ordersOverGrpc = client.client(OrderService.class).target(grpc).deadline(PATIENCE).build();
            KitchenService kitchen = rest(client, KitchenService.class, "kitchen");
            AccountingService accounting = rest(client, AccountingService.class, "accounting");
            NotificationService notifications = rest(client, NotificationService.class, "notification");
            DeliveryService delivery = rest(client, DeliveryService.class, "delivery");

            NewOrder lunch = new NewOrder(1, "Ajanta", List.of(
                    new LineItem("chicken vindaloo", 1, Money.euros("12.50")),
                    new LineItem("naan", 2, Money.euros("2.25"))));

            steps.run("request/response over REST: GET consumer 1", () -> {
                Consumer ada = consumers.get(1);
                return ada.name().equals("Ada Lovelace") ? "got " + ada.name() : fail("got " + ada);
            });
            Order[] created = new Order[1];
            int attemptsBefore = system.consumerAttempts().count();
            steps.run("create an order over REST: order-service accepts it", () -> {
                created[0] = orders.create(lunch);
                return created[0].state() == Order.State.APPROVED
                        ? "order " + created[0].id() + " APPROVED, total " + created[0].total().amount() + " EUR"
                        : fail("state " + created[0].state());
            });
            String id = created[0] == null ? "none" : created[0].id();
            steps.run("sync over gRPC: order-service checked the consumer with an instance found through discovery", () -> {
                List<Attempts.Attempt> attempts = system.consumerAttempts().since(attemptsBefore);
                if (attempts.size() != 1 || attempts.get(0).error() != null
                        || !"grpc".equals(attempts.get(0).endpoint().getScheme())) {
                    return fail("attempts " + attempts);
                }
                URI endpoint = attempts.get(0).endpoint();
                return "validateOrder went to " + system.consumerInstance(endpoint).orElse("?") + " at " + endpoint;
            });
            steps.run("sync over REST: accounting authorised the card (found through discovery)", () ->
                    created[0].authorizationId() != null ? "authorization " + created[0].authorizationId()
                            : fail("no authorization"));
            steps.run("async request/response over the broker: the kitchen's ticket came back as a CompletableFuture", () -> {
                Ticket ticket = kitchen.ticket(created[0].ticketId());
                return ticket.orderId().equals(id)
                        ? "ticket " + ticket.id() + " " + ticket.dishes() + ", ready in " + ticket.readyInMinutes() + " min"
                        : fail("got " + ticket);
            });
            steps.run("publish/async responses: " + OrderServiceImpl.COURIERS + " couriers quoted (gathered until "
                    + OrderServiceImpl.COURIERS + " or " + OrderServiceImpl.QUOTE_WAIT.toMillis() + " ms), cheapest chosen", () -> {
                List<DeliveryQuote> quotes = delivery.quotes(id);
                DeliveryQuote cheapest = quotes.stream().min(Comparator.comparing((DeliveryQuote q) -> q.fee().amount())
                        .thenComparing(DeliveryQuote::courier)).orElse(null);
                if (quotes.size() != OrderServiceImpl.COURIERS || !created[0].delivery().equals(cheapest)) {
                    return fail("quotes " + quotes + ", chose " + created[0].delivery());
                }
                return quotes.stream().map(q -> q.courier() + " " + q.fee().amount()).sorted()
                        .collect(Collectors.joining(", ")) + " -> " + cheapest.courier();
            });
            steps.run("publish/subscribe: OrderCreated reached accounting and notification, each in its own group", () -> {
                List<Charge> charges = await(() -> accounting.charges(1),
                        list -> list.stream().anyMatch(c -> c.orderId().equals(id)));
                List<Notice> notices = await(() -> notifications.sent(1),
                        list -> list.stream().anyMatch(n -> n.orderId().equals(id) && n.text().contains("received")));
                Charge charge = charges.stream().filter(c -> c.orderId().equals(id)).findFirst().orElse(null);
                Notice notice = notices.stream().filter(n -> n.orderId().equals(id) && n.text().contains("received"))
                        .findFirst().orElse(null);
                if (charge == null || notice == null) {
                    return fail("charges " + charges + ", notices " + notices);
                }
                return "accounting charged " + charge.amount().amount() + " EUR on " + charge.authorizationId()
                        + "; notification: \"" + notice.text() + "\"";
            });
            steps.run("one-way command: notification told the consumer who delivers", () -> {
                List<Notice> notices = await(() -> notifications.sent(1),
                        list -> list.stream().anyMatch(n -> n.orderId().equals(id) && n.text().contains("on its way")));
                return notices.stream().filter(n -> n.orderId().equals(id) && n.text().contains("on its way"))
                        .findFirst().map(n -> "\"" + n.text() + "\"").orElseGet(() -> fail("notices " + notices));
            });
            steps.run("asynchronous method: read the order back as a CompletableFuture", () -> {
                Order read = orders.get(id).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                return read.equals(created[0]) ? "same order" : fail("got " + read);
            });
            steps.run("same contract over HTTP/2 (h2c)", () -> {
                Order read = ordersOverHttp2.get(id).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                return read.id().equals(id) ? "same order" : fail("got " + read);
            });
            steps.run("same contract over gRPC, on the REST port", () -> {
                Order read = ordersOverGrpc.get(id).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                return read.equals(created[0]) ? "same order from " + grpc : fail("got " + read);
            });
            steps.run("typed error across two hops (REST, then gRPC): unknown consumer", () -> {
                try {
                    orders.create(new NewOrder(99, "Ajanta", lunch.items()));
                    return fail("no error");
                } catch (NotFoundException e) {
                    return "NotFoundException: " + e.getMessage();
                }
            });
            steps.run("typed error with details: order over the consumer's limit", () -> {
                try {
                    orders.create(new NewOrder(2, "Ajanta", List.of(new LineItem("thali", 3, Money.euros("15.00")))));
                    return fail("no error");
                } catch (FailedPreconditionException e) {
                    return "FailedPreconditionException, limit " + e.details().get("limit");
                }
            });
            steps.run("malformed JSON from a plain HTTP client gets 400 application/problem+json", () -> {
                try (HttpClient http = HttpClient.newHttpClient()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(system.orderService().resolve("/orders"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"consumerId\": ")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String type = r.headers().firstValue("Content-Type").orElse("");
                    return r.statusCode() == 400 && type.startsWith("application/problem+json")
                            ? "400 " + r.body() : fail(r.statusCode() + " " + type + " " + r.body());
                }
            });
            steps.run("load balancing: 6 orders' consumer checks spread round robin over 3 instances", () -> {
                Map<String, Long> before = system.consumerValidations();
                for (int i = 0; i < 6; i++) {
                    orders.create(lunch);
                }
                Map<String, Long> spread = new LinkedHashMap<>();
                system.consumerValidations().forEach((instance, n) -> spread.put(instance, n - before.get(instance)));
                return spread.values().stream().allMatch(n -> n == 2) ? "validations per instance " + spread
                        : fail("validations per instance " + spread);
            });
            steps.run("failover: " + STOPPED + " stops; @Idempotent checks are retried elsewhere and its endpoint is ejected", () ->
                    failover(orders, lunch));
        }
        return steps.end();
    }

    /**
     * Stops a consumer instance, which stays listed in discovery, then creates orders until the
     * order service's breaker for that instance opens, and a few more: none may fail, and once
     * the breaker is open no attempt may go there.
     */
    private String failover(OrderService orders, NewOrder lunch) {
        URI dead = system.consumerEndpoint(STOPPED);
        system.stopConsumer(STOPPED);
        int from = system.consumerAttempts().count();
        int created = 0;
        while (system.consumerBreaker(dead) != CircuitBreaker.State.OPEN) {
            if (created == MAX_ORDERS_TO_EJECT) {
                return fail("the breaker of " + STOPPED + " is still " + system.consumerBreaker(dead) + " after "
                        + MAX_ORDERS_TO_EJECT + " orders; attempts "
                        + system.consumerAttempts().since(from));
            }
            orders.create(lunch);
            created++;
        }
        List<Attempts.Attempt> untilOpen = system.consumerAttempts().since(from);
        int ejectedFrom = system.consumerAttempts().count();
        for (int i = 0; i < 3; i++) {
            orders.create(lunch);
        }
        List<Attempts.Attempt> afterOpen = system.consumerAttempts().since(ejectedFrom);
        List<Attempts.Attempt> atDead = untilOpen.stream().filter(a -> a.endpoint().equals(dead)).toList();
        if (atDead.isEmpty() || atDead.stream().anyMatch(a -> a.error() == null)) {
            return fail("attempts at " + STOPPED + ": " + atDead);
        }
        if (afterOpen.stream().anyMatch(a -> a.endpoint().equals(dead) || a.error() != null)) {
            return fail("attempts after its breaker opened: " + afterOpen);
        }
        List<String> errors = new ArrayList<>(new TreeSet<>(atDead.stream().map(a -> a.error().getClass().getSimpleName()).toList()));
        List<String> servedBy = new ArrayList<>(new TreeSet<>(afterOpen.stream()
                .map(a -> system.consumerInstance(a.endpoint()).orElse("?")).toList()));
        return (created + 3) + " orders created, none failed; " + atDead.size() + " attempts at " + STOPPED + " failed ("
                + String.join(", ", errors) + ") and were retried on another instance; its breaker opened, and the last 3 "
                + "checks went to " + String.join(" and ", servedBy) + " only";
    }

    private <T> T rest(Courier client, Class<T> contract, String service) {
        return client.client(contract).target(system.uri(service)).deadline(PATIENCE).build();
    }

    /** Polls {@code read} until {@code done} holds or {@link #PATIENCE} passes; returns the last value read. */
    private static <T> T await(Supplier<T> read, Predicate<T> done) {
        return Steps.await(PATIENCE, Duration.ofMillis(10), read, done);
    }
}
