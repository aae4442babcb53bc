package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Interceptor;
import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code publishAsync}: many publishes outstanding from one thread, each future completing with
 * the id of the message handlers see; a broker's refusal fails the future (retry-safe), not the
 * calling thread; client interceptors see the asynchronous publish as they see the blocking one.
 */
class PublishAsyncTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    public record Tick(int n) {
    }

    private final InMemoryBroker memory = InMemoryBroker.create();
    private final Refusing broker = new Refusing(memory);
    private final List<Messaging> opened = new CopyOnWriteArrayList<>();

    private Messaging messaging(String name, Interceptor... client) {
        Messaging.Builder b = Messaging.builder().name(name).broker(broker).codec(JsonCodec.create());
        for (Interceptor i : client) {
            b.clientInterceptor(i);
        }
        Messaging m = b.build();
        opened.add(m);
        return m;
    }

    @AfterEach
    void close() {
        opened.forEach(Messaging::close);
        memory.close();
    }

    @Test
    void manyPublishesOutstandingFromOneThreadEachCompleteWithTheIdHandled() {
        Messaging sender = messaging("sender");
        Messaging receiver = messaging("receiver");
        Map<Integer, String> handledIds = new ConcurrentHashMap<>();
        receiver.subscribe(Tick.class, "ticks", t ->
                handledIds.put(t.n(), MessageContext.current().orElseThrow().message().id()));

        List<CompletableFuture<String>> sent = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            sent.add(sender.publishAsync(new Tick(n), "key-" + (n % 8)));
        }

        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        Await.until(PATIENCE, "every tick handled", () -> handledIds.size() == 200);
        for (int n = 0; n < 200; n++) {
            assertThat(sent.get(n).join()).isEqualTo(handledIds.get(n));
        }
        assertThat(Set.copyOf(handledIds.values())).hasSize(200);
    }

    @Test
    void aRefusedSendFailsTheFutureRetrySafeAndNotTheCaller() {
        Messaging sender = messaging("sender");
        broker.refusing.set(true);

        CompletableFuture<String> sent = sender.publishAsync("ticks", new Tick(1), "k");

        assertThatThrownBy(sent::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(UnavailableException.class).hasMessageContaining("broker is down for the test");
        assertThat(((UnavailableException) sent.handle((v, e) -> e.getCause()).join()).retrySafe()).isTrue();
        assertThatThrownBy(() -> sender.publish("ticks", new Tick(2), "k"))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("broker is down for the test");
    }

    @Test
    void clientInterceptorsSeeTheAsynchronousPublish() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Interceptor record = (call, next) -> {
            seen.add(call.method().name() + " " + call.target());
            return next.proceed(call);
        };
        Messaging sender = messaging("sender", record);

        String id = sender.publishAsync("ticks", new Tick(3), "k").join();

        assertThat(id).isNotBlank();
        assertThat(seen).containsExactly("publish broker:ticks");
    }

    /** A broker that refuses sends while asked to, as a broker does while it is down. */
    private static final class Refusing implements MessageBroker {
        final AtomicBoolean refusing = new AtomicBoolean();
        private final MessageBroker delegate;

        Refusing(MessageBroker delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Void> send(Message message) {
            if (refusing.get()) {
                return CompletableFuture.failedFuture(new UnavailableException("the broker is down for the test",
                        Map.of(), true, null));
            }
            return delegate.send(message);
        }

        @Override
        public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
            return delegate.subscribe(channel, group, handler);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
