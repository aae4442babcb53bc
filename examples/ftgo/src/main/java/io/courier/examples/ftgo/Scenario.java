package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.NotFoundException;
import io.courier.examples.ftgo.consumer.Consumer;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.order.LineItem;
import io.courier.examples.ftgo.order.NewOrder;
import io.courier.examples.ftgo.order.Order;
import io.courier.examples.ftgo.order.OrderService;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's scenario: each step calls the running system as a client would and checks the
 * answer. Prints one line per step; {@link #run()} is true only if every step worked.
 */
public final class Scenario {
    private final DemoSystem system;
    private final PrintStream out;
    private int failures;

    /** A scenario against {@code system}, reporting to {@code out}. */
    public Scenario(DemoSystem system, PrintStream out) {
        this.system = system;
        this.out = out;
    }

    /** Runs every step; true if all of them worked. */
    public boolean run() {
        try (Courier client = Courier.builder().name("demo-client").build()) {
            ConsumerService consumers = client.client(ConsumerService.class).target(system.consumerService()).build();
            OrderService orders = client.client(OrderService.class).target(system.orderService())
                    .deadline(Duration.ofSeconds(5)).build();
            URI h2c = URI.create("h2c://" + system.orderService().getAuthority());
            OrderService ordersOverHttp2 = client.client(OrderService.class).target(h2c).build();

            NewOrder lunch = new NewOrder(1, "Ajanta", List.of(
                    new LineItem("chicken vindaloo", 1, Money.euros("12.50")),
                    new LineItem("naan", 2, Money.euros("2.25"))));

            step("request/response over REST: GET consumer 1", () -> {
                Consumer ada = consumers.get(1);
                return ada.name().equals("Ada Lovelace") ? "got " + ada.name() : fail("got " + ada);
            });
            Order[] created = new Order[1];
            step("order-service validates a new order with consumer-service (two hops)", () -> {
                created[0] = orders.create(lunch);
                return created[0].state() == Order.State.APPROVED
                        ? "order " + created[0].id() + " APPROVED, total " + created[0].total().amount() + " EUR"
                        : fail("state " + created[0].state());
            });
            step("asynchronous method: read the order back as a CompletableFuture", () -> {
                Order read = orders.get(created[0].id()).get(5, TimeUnit.SECONDS);
                return read.equals(created[0]) ? "same order" : fail("got " + read);
            });
            step("same contract over HTTP/2 (h2c)", () -> {
                Order read = ordersOverHttp2.get(created[0].id()).get(5, TimeUnit.SECONDS);
                return read.id().equals(created[0].id()) ? "same order" : fail("got " + read);
            });
            step("typed error across two hops: unknown consumer", () -> {
                try {
                    orders.create(new NewOrder(99, "Ajanta", lunch.items()));
                    return fail("no error");
                } catch (NotFoundException e) {
                    return "NotFoundException: " + e.getMessage();
                }
            });
            step("typed error with details: order over the consumer's limit", () -> {
                try {
                    orders.create(new NewOrder(2, "Ajanta", List.of(new LineItem("thali", 3, Money.euros("15.00")))));
                    return fail("no error");
                } catch (FailedPreconditionException e) {
                    return "FailedPreconditionException, limit " + e.details().get("limit");
                }
            });
            step("malformed JSON from a plain HTTP client gets 400 application/problem+json", () -> {
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
        }
        out.println(failures == 0 ? "All steps worked." : failures + " step(s) failed.");
        return failures == 0;
    }

    private void step(String name, Step step) {
        try {
            out.println("  ok   " + name + ": " + step.run());
        } catch (StepFailed e) {
            failures++;
            out.println("  FAIL " + name + ": " + e.getMessage());
        } catch (Exception e) {
            failures++;
            out.println("  FAIL " + name + ": " + e);
        }
    }

    private static String fail(String message) {
        throw new StepFailed(message);
    }

    @FunctionalInterface
    private interface Step {
        String run() throws Exception;
    }

    private static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message, null, false, false);
        }
    }
}
