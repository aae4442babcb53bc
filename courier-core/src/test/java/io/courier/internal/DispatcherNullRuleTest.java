package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.InvalidArgumentException;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The null rule at both ends of a call: the dispatcher refuses an absent required value before
 * any interceptor or the handler, the client before sending. That a handler's own
 * NullPointerException stays an internal error is in courier-test's HandlerFailureTest, which can
 * capture the error it logs.
 */
class DispatcherNullRuleTest {
    public record Item(String sku, int quantity) {
    }

    @Service
    public interface Stock {
        @Post("/reserve")
        int reserve(Item item);

        @Post("/reserveAsync")
        CompletableFuture<Integer> reserveAsync(Item item);
    }

    /** Dereferences what it gets, as handlers written for the rule do. */
    static class Shelf implements Stock {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int reserve(Item item) {
            calls.incrementAndGet();
            return item.sku().length() + item.quantity();
        }

        @Override
        public CompletableFuture<Integer> reserveAsync(Item item) {
            return CompletableFuture.completedFuture(reserve(item));
        }
    }

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ServiceDescriptor service = ServiceDescriptor.of(Stock.class);
    private final Shelf shelf = new Shelf();
    private final AtomicInteger intercepted = new AtomicInteger();
    private final Interceptor counting = (call, next) -> {
        intercepted.incrementAndGet();
        return next.proceed(call);
    };
    private final Dispatcher dispatcher = new Dispatcher(List.of(counting), handlers, io.courier.Scheduler.of(scheduler));

    @AfterEach
    void stop() {
        handlers.shutdownNow();
        scheduler.shutdownNow();
    }

    private Throwable dispatchFailure(String method, Object arg) {
        dispatcher.add(service, shelf);
        Throwable thrown = catchThrowable(() -> dispatcher.dispatch(service, service.method(method).orElseThrow(),
                new Object[] {arg}, CallContext.empty()).join());
        assertThat(thrown).isInstanceOf(CompletionException.class);
        return thrown.getCause();
    }

    @Test
    void anAbsentBodyIsRefusedBeforeInterceptorsAndTheHandler() {
        Throwable failure = dispatchFailure("reserve", null);

        assertThat(failure).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("stock.reserve: body item: missing (expected: an Item;");
        assertThat(intercepted).hasValue(0);
        assertThat(shelf.calls).hasValue(0);
    }

    @Test
    void aRecordMissingAComponentIsRefusedNamingTheComponent() {
        Throwable failure = dispatchFailure("reserve", new Item(null, 1));

        assertThat(failure).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("stock.reserve: body item.sku: missing (expected: a String;");
        assertThat(shelf.calls).hasValue(0);
    }

    @Test
    void theClientRefusesANullRequiredArgumentBeforeSendingWithTheSameMessage() {
        AtomicInteger sent = new AtomicInteger();
        InterceptorChain chain = new InterceptorChain(List.of(), call -> {
            sent.incrementAndGet();
            return CompletableFuture.completedFuture(0);
        });
        Stock client = ClientHandler.proxy(Stock.class, new ClientHandler(service, URI.create("inproc://stock"),
                Duration.ofSeconds(5), io.courier.Metadata.empty(), "test", io.courier.Ticker.system(), chain));

        Throwable sync = catchThrowable(() -> client.reserve(new Item(null, 1)));
        Throwable async = catchThrowable(() -> client.reserveAsync(null).join());

        assertThat(sync).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("stock.reserve: body item.sku: missing (expected: a String;");
        assertThat(async).isInstanceOf(CompletionException.class).cause().isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("stock.reserveAsync: body item: missing (expected: an Item;");
        assertThat(sent).hasValue(0);
        assertThat(client.reserve(new Item("a", 1))).isZero();
        assertThat(sent).hasValue(1);
    }
}
