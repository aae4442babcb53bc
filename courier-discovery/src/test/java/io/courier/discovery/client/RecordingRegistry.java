package io.courier.discovery.client;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A discovery backend that writes down every registry call before passing it on, and may fail its watches. */
final class RecordingRegistry implements Discovery {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ServiceResolver.Listener> listeners = new CopyOnWriteArrayList<>();
    private final Discovery inner;
    private final Duration renewInterval;

    RecordingRegistry(Discovery inner, Duration renewInterval) {
        this.inner = inner;
        this.renewInterval = renewInterval;
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public void register(ServiceInstance instance) {
        events.add("register " + instance.service() + " " + instance.health());
        inner.register(instance);
    }

    @Override
    public void renew(ServiceInstance instance) {
        events.add("renew " + instance.service());
        inner.renew(instance);
    }

    @Override
    public void deregister(ServiceInstance instance) {
        events.add("deregister " + instance.service());
        inner.deregister(instance);
    }

    @Override
    public Duration renewInterval() {
        return renewInterval;
    }

    @Override
    public Watch watch(String service, Listener listener) {
        listeners.add(listener);
        return inner.watch(service, listener);
    }

    /** Tells every watcher the registry failed, as a lost connection would. */
    void failWatches(Throwable error) {
        listeners.forEach(l -> l.onError(error));
    }

    @Override
    public void close() {
        inner.close();
    }
}
