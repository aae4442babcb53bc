package io.courier.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the transports of one {@code Courier} share, one of each type: the first transport to
 * ask for a type creates it, the others get the same instance, and the {@code Courier} closes
 * them all after its transports, newest first. The HTTP and gRPC transports share one Vert.x
 * this way, so one event-loop group serves every port and protocol.
 *
 * <pre>{@code
 * Vertx vertx = context.shared().get(Vertx.class,
 *     () -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(context.eventLoops())),
 *     Vertx::close);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SharedResources implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedResources.class);

    private record Entry(Object value, Consumer<Object> close) {
    }

    private final Map<Class<?>, Entry> entries = new LinkedHashMap<>();
    private boolean closed;

    /**
     * The shared instance of {@code type}, made by {@code create} on first use and closed by
     * {@code close} when the {@code Courier} closes.
     *
     * @throws IllegalStateException when the {@code Courier} is closed
     */
    public synchronized <T> T get(Class<T> type, Supplier<? extends T> create, Consumer<? super T> close) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(create, "create");
        Objects.requireNonNull(close, "close");
        if (closed) {
            throw new IllegalStateException("shared resources are closed (expected: a transport created before "
                    + "its Courier closed)");
        }
        Entry e = entries.get(type);
        if (e == null) {
            T value = Objects.requireNonNull(create.get(), () -> "created " + type.getName() + " is null");
            e = new Entry(value, v -> close.accept(type.cast(v)));
            entries.put(type, e);
        }
        return type.cast(e.value());
    }

    /** Closes every shared instance, newest first; a failure is logged and the rest still close. */
    @Override
    public void close() {
        List<Map.Entry<Class<?>, Entry>> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(entries.entrySet());
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Map.Entry<Class<?>, Entry> e = all.get(i);
            try {
                e.getValue().close().accept(e.getValue().value());
            } catch (RuntimeException failure) {
                log.warn("closing the shared {} failed: {}", e.getKey().getName(), failure.toString());
            }
        }
    }
}
