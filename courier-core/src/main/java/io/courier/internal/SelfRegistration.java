package io.courier.internal;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving Courier's entries in a {@link ServiceRegistry}: one instance per served service,
 * all with one id, renewed on a timer while serving, marked {@code DRAINING} when closing
 * starts and deregistered once calls in flight are done. Registry calls may block, so the
 * timer hands renewals to {@code blocking}. Thread-safe.
 */
public final class SelfRegistration {
    private static final Logger log = LoggerFactory.getLogger(SelfRegistration.class);

    private final ServiceRegistry registry;
    private final String id;
    private final Map<String, String> metadata;
    private final ScheduledExecutorService timer;
    private final Executor blocking;
    private final List<ServiceInstance> instances = new ArrayList<>();
    private ScheduledFuture<?> renewals;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile boolean failing;
    private volatile String lastFailure = "";
    private volatile boolean registered;

    public SelfRegistration(ServiceRegistry registry, String courierName, Map<String, String> metadata,
                            ScheduledExecutorService timer, Executor blocking) {
        this.registry = registry;
        this.id = idFor(courierName);
        this.metadata = Map.copyOf(metadata);
        this.timer = timer;
        this.blocking = blocking;
    }

    /** The instance id shared by every service this Courier registers. */
    public String id() {
        return id;
    }

    /** Registers {@code service} at {@code uris} (in-process ones left out) and starts renewing. */
    public synchronized void add(String service, List<URI> uris) {
        List<URI> reachable = uris.stream().filter(u -> !"inproc".equals(u.getScheme())).toList();
        if (reachable.isEmpty()) {
            log.debug("{} has no network URI to register", service);
            return;
        }
        ServiceInstance instance = new ServiceInstance(service, id, reachable, metadata, ServiceInstance.Health.UP);
        registry.register(instance);
        instances.add(instance);
        registered = true;
        log.info("Registered {} as {} at {}", service, id, reachable);
        if (renewals == null) {
            long every = Math.max(10, registry.renewInterval().toMillis());
            renewals = timer.scheduleWithFixedDelay(() -> blocking.execute(this::renewAll), every, every,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Why this instance is not registered now, for readiness: no service registered yet, or the
     * last renewal failed (its failure); empty while registered.
     */
    public Optional<String> problem() {
        if (!registered) {
            return Optional.of("no service registered");
        }
        return failing ? Optional.of("renewing failed: " + lastFailure) : Optional.empty();
    }

    /** Tells the registry this instance takes no new calls; calls in flight go on. */
    public void drain() {
        for (ServiceInstance i : update(ServiceInstance.Health.DRAINING)) {
            try {
                registry.register(i);
            } catch (RuntimeException e) {
                log.warn("Marking {} {} draining failed: {}", i.service(), id, e.toString());
            }
        }
    }

    /** Stops renewing and removes every registration. */
    public void deregisterAll() {
        List<ServiceInstance> all;
        synchronized (this) {
            if (renewals != null) {
                renewals.cancel(false);
            }
            all = List.copyOf(instances);
            instances.clear();
            registered = false;
        }
        for (ServiceInstance i : all) {
            try {
                registry.deregister(i);
                log.info("Deregistered {} {}", i.service(), id);
            } catch (RuntimeException e) {
                log.warn("Deregistering {} {} failed (its lease will expire): {}", i.service(), id, e.toString());
            }
        }
    }

    private synchronized List<ServiceInstance> update(ServiceInstance.Health health) {
        instances.replaceAll(i -> i.withHealth(health));
        return List.copyOf(instances);
    }

    private void renewAll() {
        if (!renewing.compareAndSet(false, true)) {
            return; // the previous round is still waiting on a slow registry
        }
        try {
            renewRound();
        } finally {
            renewing.set(false);
        }
    }

    private void renewRound() {
        List<ServiceInstance> all;
        synchronized (this) {
            all = List.copyOf(instances);
        }
        try {
            for (ServiceInstance i : all) {
                registry.renew(i);
            }
            if (failing) {
                log.info("Renewing {} works again", id);
                failing = false;
            }
        } catch (RuntimeException e) {
            lastFailure = e.toString();
            // Logged once per streak: a registry outage must not flood the log every second.
            if (!failing) {
                log.warn("Renewing {} failed; retrying every {} ms: {}", id, registry.renewInterval().toMillis(), e.toString());
                failing = true;
            }
        }
    }

    private static String idFor(String courierName) {
        String base = courierName.replaceAll("[^A-Za-z0-9._-]", "-");
        if (base.length() > 180) {
            base = base.substring(0, 180);
        }
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return base + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }
}
