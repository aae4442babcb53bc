package io.courier.resilience;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A discovery backend whose instances the test sets; it tells watchers at once. */
final class ListedInstances implements Discovery {
    private final List<ServiceResolver.Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile List<ServiceInstance> instances = List.of();

    /** Replaces the instances and tells every watcher. */
    void set(List<ServiceInstance> now) {
        instances = List.copyOf(now);
        listeners.forEach(l -> l.onInstances(instances));
    }

    @Override
    public String name() {
        return "listed";
    }

    @Override
    public Watch watch(String service, Listener listener) {
        listeners.add(listener);
        listener.onInstances(instances);
        return () -> listeners.remove(listener);
    }

    @Override
    public void register(ServiceInstance instance) {
    }

    @Override
    public void renew(ServiceInstance instance) {
    }

    @Override
    public void deregister(ServiceInstance instance) {
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
