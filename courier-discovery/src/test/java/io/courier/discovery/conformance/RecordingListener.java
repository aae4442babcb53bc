package io.courier.discovery.conformance;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A resolver listener that keeps everything it was told. */
public final class RecordingListener implements ServiceResolver.Listener {
    public final List<List<ServiceInstance>> updates = new CopyOnWriteArrayList<>();
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances) {
        updates.add(instances);
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    /** The last list, or null before any. */
    public List<ServiceInstance> last() {
        return updates.isEmpty() ? null : updates.get(updates.size() - 1);
    }

    /** The URIs of the last list; empty before any. */
    public Set<URI> uris() {
        List<ServiceInstance> last = last();
        return last == null ? Set.of() : last.stream().flatMap(i -> i.uris().stream()).collect(Collectors.toSet());
    }

    @Override
    public String toString() {
        return "updates=" + updates + ", errors=" + errors;
    }
}
