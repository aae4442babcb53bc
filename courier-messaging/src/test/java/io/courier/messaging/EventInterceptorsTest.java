package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Metadata;
import io.courier.json.JsonCodec;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events through the interceptor chain: a publish retried by an interceptor sends the same
 * message, so the idempotent consumer handles it once; the trace context of a handler goes on in
 * the events it publishes; a server interceptor that refuses an event keeps it from the handler.
 */
class EventInterceptorsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public record OrderPlaced(String order) {
    }

    public record OrderBilled(String order) {
    }

    private final InMemoryBroker broker = InMemoryBroker.create();
    private final List<Messaging> opened = new CopyOnWriteArrayList<>();

    private Messaging messaging(String name, java.util.function.UnaryOperator<Messaging.Builder> options) {
        Messaging m = options.apply(Messaging.builder().name(name).broker(broker).codec(JsonCodec.create())
                .retry(RetryPolicy.builder().maxAttempts(1).build())).build();
        opened.add(m);
        return m;
    }

    @AfterEach
    void close() {
        opened.forEach(Messaging::close);
        broker.close();
    }

    @Test
    void aPublishRepeatedByAnInterceptorIsTheSameMessageAndHandledOnce() {
        Interceptor twice = (call, next) -> next.proceed(call).thenCompose(v -> next.proceed(call));
        Messaging billing = messaging("billing", b -> b.processedMessages(ProcessedMessages.inMemory(100)));
        Messaging orders = messaging("orders", b -> b.clientInterceptor(twice));
        List<String> handled = new CopyOnWriteArrayList<>();
        billing.subscribe(OrderPlaced.class, "billing", e -> handled.add(e.order()));

        String id = orders.publish(new OrderPlaced("o-1"), "o-1");

        Await.until(PATIENCE, "the copy skipped", () -> billing.duplicatesSkipped() == 1);
        assertThat(handled).containsExactly("o-1");
        assertThat(id).isNotBlank();
    }

    @Test
    void theTraceOfAHandlerGoesOnInTheEventsItPublishes() {
        Messaging orders = messaging("orders", b -> b);
        Messaging billing = messaging("billing", b -> b);
        List<String> traces = new CopyOnWriteArrayList<>();
        billing.subscribe(OrderPlaced.class, "billing", e -> billing.publish(new OrderBilled(e.order()), e.order()));
        orders.subscribe(OrderBilled.class, "orders",
                e -> traces.add(CallContext.current().metadata().get(MessageHeaders.TRACE_CONTEXT).orElse("none")));

        CallContext.empty().withMetadata(Metadata.empty().with(MessageHeaders.TRACE_CONTEXT, TRACE))
                .run(() -> orders.publish(new OrderPlaced("o-2"), "o-2"));

        Await.until(PATIENCE, "the second event handled", () -> !traces.isEmpty());
        assertThat(traces).containsExactly(TRACE);
    }

    @Test
    void aServerInterceptorThatRefusesKeepsTheEventFromItsHandler() {
        Interceptor refuse = (call, next) -> call.args().get(0) instanceof OrderPlaced p && p.order().startsWith("x")
                ? CompletableFuture.failedFuture(new io.courier.PermissionDeniedException("not for us"))
                : next.proceed(call);
        Messaging billing = messaging("billing", b -> b.serverInterceptor(refuse));
        Messaging orders = messaging("orders", b -> b);
        List<String> handled = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        billing.subscribe(OrderPlaced.class, "billing", e -> handled.add(e.order()));
        billing.deadLetters("OrderPlaced", "billing", dead::add);

        orders.publish(new OrderPlaced("x-1"), "k");
        orders.publish(new OrderPlaced("o-3"), "k");

        Await.until(PATIENCE, "the refused event dead-lettered", () -> dead.size() == 1);
        Await.until(PATIENCE, "the next event handled", () -> handled.contains("o-3"));
        assertThat(handled).containsExactly("o-3");
        assertThat(dead.get(0).reason()).contains("not for us");
    }

    @Test
    void aClientInterceptorSeesTheIdThePublishedEventWillHaveAndItIsNotAHeader() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Interceptor record = (call, next) -> {
            seen.add(call.context().metadata().get(MessageHeaders.ID).orElse("none"));
            return next.proceed(call);
        };
        Messaging billing = messaging("billing", b -> b);
        Messaging orders = messaging("orders", b -> b.clientInterceptor(record));
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> headers = new CopyOnWriteArrayList<>();
        billing.subscribe(OrderPlaced.class, "billing", e -> {
            received.add(MessageContext.current().orElseThrow().message().id());
            headers.addAll(MessageContext.current().orElseThrow().message().headers().names());
        });

        String id = orders.publish(new OrderPlaced("o-9"), "o-9");

        Await.until(PATIENCE, "the event handled", () -> !received.isEmpty());
        assertThat(seen).containsExactly(id);
        assertThat(received).containsExactly(id);
        assertThat(headers).doesNotContain(MessageHeaders.ID);
    }
}
