package io.courier.discovery.internal;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of a resolver, by service, each told only when what it was last told changes
 * (so a backend can re-read everything on every tick and report only differences). Calls to
 * one listener never overlap. Thread-safe.
 */
public final class Watchers {
    private static final Logger log = LoggerFactory.getLogger(Watchers.class);

    private final Map<String, List<Entry>> byService = new ConcurrentHashMap<>();

    /** One watch: its listener, and what it was told last. */
    private static final class Entry {
        final ServiceResolver.Listener listener;
        List<ServiceInstance> last;
        boolean failing;
        volatile boolean closed;

        Entry(ServiceResolver.Listener listener) {
            this.listener = listener;
        }
    }

    /** Adds a watch of {@code service}; closing it removes it. */
    public ServiceResolver.Watch add(String service, ServiceResolver.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        Entry e = new Entry(listener);
        byService.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(e);
        return () -> {
            e.closed = true;
            List<Entry> list = byService.get(service);
            if (list != null) {
                list.remove(e);
            }
        };
    }

    /** The services watched now. */
    public Set<String> services() {
        byService.values().removeIf(List::isEmpty);
        return Set.copyOf(byService.keySet());
    }

    /** Tells the watchers of {@code service} its instances, if they differ from what they knew. */
    public void publish(String service, List<ServiceInstance> instances) {
        List<ServiceInstance> copy = List.copyOf(instances);
        for (Entry e : byService.getOrDefault(service, List.of())) {
            synchronized (e) {
                if (e.closed || (copy.equals(e.last) && !e.failing)) {
                    continue;
                }
                e.last = copy;
                e.failing = false;
                call(() -> e.listener.onInstances(copy));
            }
        }
    }

    /** Tells the watchers of {@code service} that reading it failed (once per streak of failures). */
    public void fail(String service, Throwable error) {
        for (Entry e : byService.getOrDefault(service, List.of())) {
            synchronized (e) {
                if (e.closed || e.failing) {
                    continue;
                }
                e.failing = true;
                call(() -> e.listener.onError(error));
            }
        }
    }

    /** Tells every watcher that reading failed. */
    public void failAll(Throwable error) {
        services().forEach(s -> fail(s, error));
    }

    private static void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            log.warn("A discovery listener failed: {}", ex.toString(), ex);
        }
    }
}
