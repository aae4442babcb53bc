package io.courier.discovery.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.ServiceView;
import io.courier.test.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every discovery backend must do, as a registry and as a resolver. A backend's test
 * extends this, creates the backend in {@link #create()}, and says what it cannot carry (DNS
 * has no metadata or health) by overriding the hooks. Every wait is bounded by {@link #patience()}.
 */
public abstract class DiscoveryConformance {
    protected Discovery discovery;
    private String service;

    /** A new backend for one test. */
    protected abstract Discovery create() throws Exception;

    /** Makes {@code instance} known the way this backend learns of instances; default: registers it. */
    protected void publish(ServiceInstance instance) {
        discovery.register(instance);
    }

    /** Makes {@code instance} unknown; default: deregisters it. */
    protected void unpublish(ServiceInstance instance) {
        discovery.deregister(instance);
    }

    /** Whether metadata comes back as registered. */
    protected boolean carriesMetadata() {
        return true;
    }

    /** Whether health comes back as registered (and registrations can be renewed back). */
    protected boolean isRegistry() {
        return true;
    }

    /** How long a change may take to reach a watcher. */
    protected Duration patience() {
        return Duration.ofSeconds(5);
    }

    @BeforeEach
    void start() throws Exception {
        discovery = create();
        service = "svc-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    @AfterEach
    void stop() {
        discovery.close();
    }

    protected ServiceInstance instance(int n) {
        return ServiceInstance.of(service, "i" + n, List.of(URI.create("http://127.0.0." + n + ":" + (8000 + n))));
    }

    private RecordingListener watch(String name) {
        RecordingListener l = new RecordingListener();
        discovery.watch(name, l);
        return l;
    }

    private void awaitUris(RecordingListener l, Set<URI> expected) {
        Await.until(patience(), "the expected state", () -> expected.equals(l.uris()) && l.last() != null, l::toString);
    }

    private static Set<URI> uris(ServiceInstance... instances) {
        return java.util.Arrays.stream(instances).flatMap(i -> i.uris().stream()).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void aServiceNobodyRegisteredHasNoInstancesAndNoError() {
        RecordingListener l = watch(service);
        Await.until(patience(), "the expected state", () -> l.last() != null, l::toString);
        assertThat(l.last()).isEmpty();
        assertThat(l.errors).isEmpty();
    }

    @Test
    void aRegisteredInstanceIsResolvedWithItsUris() {
        publish(instance(1));
        publish(instance(2));
        RecordingListener l = watch(service);
        awaitUris(l, uris(instance(1), instance(2)));
        assertThat(l.last()).allSatisfy(i -> assertThat(i.service()).isEqualTo(service));
    }

    @Test
    void metadataAndHealthComeBackAsRegistered() {
        if (!carriesMetadata()) {
            return;
        }
        ServiceInstance rich = instance(3).withMetadata(Map.of("zone", "eu-1", "weight", "250", "version", "1.2.0"));
        publish(rich);
        RecordingListener l = watch(service);
        awaitUris(l, uris(rich));
        ServiceInstance got = l.last().get(0);
        assertThat(got.id()).isEqualTo("i3");
        assertThat(got.zone()).isEqualTo("eu-1");
        assertThat(got.weight()).isEqualTo(250);
        assertThat(got.version()).isEqualTo("1.2.0");
        assertThat(got.health()).isEqualTo(ServiceInstance.Health.UP);
    }

    @Test
    void aWatchSeesInstancesComeAndGo() {
        RecordingListener l = watch(service);
        Await.until(patience(), "the expected state", () -> l.last() != null, l::toString);
        publish(instance(1));
        awaitUris(l, uris(instance(1)));
        publish(instance(2));
        awaitUris(l, uris(instance(1), instance(2)));
        unpublish(instance(1));
        awaitUris(l, uris(instance(2)));
        unpublish(instance(2));
        awaitUris(l, Set.of());
        assertThat(l.last()).isEmpty();
        assertThat(l.errors).isEmpty();
    }

    @Test
    void otherServicesAreNotListed() {
        ServiceInstance other = new ServiceInstance(service + "-other", "o1",
                List.of(URI.create("http://127.0.0.9:9009")), Map.of(), ServiceInstance.Health.UP);
        publish(other);
        publish(instance(1));
        RecordingListener l = watch(service);
        awaitUris(l, uris(instance(1)));
        RecordingListener o = watch(service + "-other");
        awaitUris(o, uris(other));
    }

    @Test
    void registeringAgainReplacesTheInstance() {
        if (!isRegistry()) {
            return;
        }
        publish(instance(1));
        RecordingListener l = watch(service);
        awaitUris(l, uris(instance(1)));
        discovery.register(instance(1).withHealth(ServiceInstance.Health.DRAINING));
        Await.until(patience(), "the expected state", () -> l.last().size() == 1
                && l.last().get(0).health() == ServiceInstance.Health.DRAINING, l::toString);
    }

    @Test
    void renewingKeepsTheInstanceAndBringsBackALostOne() {
        if (!isRegistry()) {
            return;
        }
        discovery.register(instance(1));
        discovery.renew(instance(1));
        RecordingListener l = watch(service);
        awaitUris(l, uris(instance(1)));
        discovery.deregister(instance(1));
        awaitUris(l, Set.of());
        discovery.renew(instance(1)); // as after a lost lease or session
        awaitUris(l, uris(instance(1)));
    }

    @Test
    void deregisteringAnUnknownInstanceDoesNothing() {
        if (!isRegistry()) {
            return;
        }
        discovery.deregister(instance(7));
        RecordingListener l = watch(service);
        Await.until(patience(), "the expected state", () -> l.last() != null, l::toString);
        assertThat(l.last()).isEmpty();
    }

    @Test
    void everyWatcherOfAServiceIsTold() {
        RecordingListener a = watch(service);
        RecordingListener b = watch(service);
        publish(instance(1));
        awaitUris(a, uris(instance(1)));
        awaitUris(b, uris(instance(1)));
    }

    @Test
    void aClosedWatchHearsNothingMore() {
        RecordingListener closed = new RecordingListener();
        ServiceResolver.Watch w = discovery.watch(service, closed);
        Await.until(patience(), "the expected state", () -> closed.last() != null, closed::toString);
        w.close();
        int before = closed.updates.size();
        RecordingListener open = watch(service);
        publish(instance(1));
        awaitUris(open, uris(instance(1)));
        assertThat(closed.updates).hasSize(before);
    }

    @Test
    void aServiceViewFollowsTheBackend() {
        try (ServiceView view = ServiceView.watch(discovery, service)) {
            publish(instance(1));
            Await.until(patience(), "the expected state", () -> view.instances().size() == 1, view::toString);
            assertThat(view.isStale()).isFalse();
            assertThat(view.ready()).isCompleted();
            assertThat(view.instances().get(0).uris()).isEqualTo(instance(1).uris());
        }
    }
}
