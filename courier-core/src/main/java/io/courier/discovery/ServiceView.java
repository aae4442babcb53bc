package io.courier.discovery;

import io.courier.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client knows about the instances of one service: the latest list a
 * {@link ServiceResolver} reported, kept when the registry cannot be reached. A registry that
 * blinks never empties the list; the view turns {@linkplain #isStale() stale} instead, logs it
 * once, and clears when the registry answers again.
 *
 * <pre>{@code
 * ServiceView view = courier.discovered("inventory");
 * if (view.isStale()) log.warn("inventory: registry unreachable since {}", view.staleSince().orElseThrow());
 * }</pre>
 *
 * <p>Thread-safe. Listeners run on the resolver's thread and must not block.
 */
public final class ServiceView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceView.class);

    private final String service;
    private final String backend;
    private final CompletableFuture<ServiceView> ready = new CompletableFuture<>();
    private final List<Consumer<List<ServiceInstance>>> listeners = new CopyOnWriteArrayList<>();
    private final ServiceResolver.Watch watch;
    private final Clock clock;
    private volatile State state = new State(List.of(), null, null, Instant.EPOCH);

    /** What is known now: the instances, and the error that made them stale. */
    private record State(List<ServiceInstance> instances, Throwable error, Instant staleSince, Instant updatedAt) {
    }

    private ServiceView(String service, ServiceResolver resolver, String backend, Clock clock) {
        this.service = service;
        this.backend = backend;
        this.clock = clock;
        this.watch = resolver.watch(service, new ServiceResolver.Listener() {
            @Override
            public void onInstances(List<ServiceInstance> instances) {
                update(instances);
            }

            @Override
            public void onError(Throwable error) {
                fail(error);
            }
        });
    }

    /** Starts watching {@code service} through {@code resolver}; close the view to stop. */
    public static ServiceView watch(ServiceResolver resolver, String service) {
        return watch(resolver, service, Clock.system());
    }

    /** As {@link #watch(ServiceResolver, String)}, stamping updates and failures with {@code clock}'s time. */
    public static ServiceView watch(ServiceResolver resolver, String service, Clock clock) {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(clock, "clock");
        String backend = resolver instanceof Discovery d ? d.name() : resolver.getClass().getSimpleName();
        return new ServiceView(service, resolver, backend, clock);
    }

    /** The service watched. */
    public String service() {
        return service;
    }

    /** The last known instances, in the resolver's order; empty before the first answer. */
    public List<ServiceInstance> instances() {
        return state.instances();
    }

    /** Whether the registry failed since its last answer: the instances may be out of date. */
    public boolean isStale() {
        return state.error() != null;
    }

    /** Since when the view is stale, if it is. */
    public Optional<Instant> staleSince() {
        return Optional.ofNullable(state.staleSince());
    }

    /** The error that made the view stale, if it is. */
    public Optional<Throwable> lastError() {
        return Optional.ofNullable(state.error());
    }

    /** When the instances last changed, or {@link Instant#EPOCH} before the first answer. */
    public Instant updatedAt() {
        return state.updatedAt();
    }

    /** Completes at the resolver's first answer, instances or error. */
    public CompletableFuture<ServiceView> ready() {
        return ready.copy();
    }

    /**
     * Calls {@code listener} with the instances now (if known) and after every change.
     *
     * @return closes the subscription
     */
    public AutoCloseable onChange(Consumer<List<ServiceInstance>> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) { // with update: a listener hears the first list once, before or after
            listeners.add(listener);
            if (ready.isDone()) {
                listener.accept(instances());
            }
        }
        return () -> listeners.remove(listener);
    }

    /** How many listeners follow this view now: clients built against it, and {@link #onChange} subscribers (for diagnostics). */
    public int listenerCount() {
        return listeners.size();
    }

    /** Stops watching. */
    @Override
    public void close() {
        watch.close();
        listeners.clear();
    }

    private synchronized void update(List<ServiceInstance> instances) {
        List<ServiceInstance> copy = List.copyOf(instances);
        State before = state;
        if (before.error() != null) {
            log.info("Discovery of {} ({}): registry answers again after failing since {}; {} instances",
                    service, backend, before.staleSince(), copy.size());
        }
        boolean changed = !copy.equals(before.instances()) || !ready.isDone();
        state = new State(copy, null, null, changed ? clock.instant() : before.updatedAt());
        if (changed) {
            log.debug("Discovery of {} ({}): {}", service, backend, copy);
            listeners.forEach(l -> l.accept(copy));
        }
        // Only now: whoever waits for the first answer (a client's first call) finds the
        // listeners (its endpoints) already told of it.
        ready.complete(this);
    }

    private synchronized void fail(Throwable error) {
        State before = state;
        if (before.error() == null) {
            log.warn("Discovery of {} ({}): registry unreachable ({}); keeping the last {} known instances",
                    service, backend, error.toString(), before.instances().size());
        }
        state = new State(before.instances(), error,
                before.staleSince() != null ? before.staleSince() : clock.instant(), before.updatedAt());
        ready.complete(this);
    }

    @Override
    public String toString() {
        State s = state;
        return "ServiceView[" + service + " via " + backend + ": " + s.instances().size() + " instances"
                + (s.error() != null ? ", stale since " + s.staleSince() : "") + "]";
    }
}
