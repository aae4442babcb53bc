package io.courier.internal;

import io.courier.Call;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.Ticker;
import io.courier.UnavailableException;
import io.courier.discovery.Endpoint;
import io.courier.discovery.EndpointHealth;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The "pick endpoint" step of a client whose target is {@code discovery:service}: turns the
 * service's live instances into endpoints this Courier can call, drops ejected ones, asks the
 * load balancer for one, and sends the attempt there ({@link Call#target()} becomes the
 * endpoint's URI, so the interceptors after this one and the transport see it). It sits inside
 * the client's interceptors, so a retry picks again. Thread-safe.
 */
public final class PickEndpoint implements Interceptor {
    /** The URI scheme of discovery targets: {@code discovery:inventory}, {@code discovery:inventory?scheme=h2c}. */
    public static final String SCHEME = "discovery";

    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("courier-cleaner").factory());

    private final ServiceView view;
    private final LoadBalancer balancer;
    private final EndpointHealth health;
    private final Set<String> callable;
    private final List<String> preferred;
    private final Ticker ticker;
    private volatile List<Endpoint> endpoints = List.of();

    public PickEndpoint(ServiceView view, LoadBalancer balancer, EndpointHealth health, Set<String> callable,
                        List<String> preferred, Ticker ticker) {
        this.view = view;
        this.balancer = balancer;
        this.health = health;
        this.callable = Set.copyOf(callable);
        this.preferred = List.copyOf(preferred);
        this.ticker = ticker;
        subscribe(this, view);
    }

    /**
     * Follows {@code view} for {@code pick} only while {@code pick} lives: the listener holds it
     * weakly, and once the client that owns it is collected, a cleaner ends the subscription, so
     * a shared view does not keep every client ever built against it.
     */
    private static void subscribe(PickEndpoint pick, ServiceView view) {
        WeakReference<PickEndpoint> ref = new WeakReference<>(pick);
        Consumer<List<ServiceInstance>> listener = instances -> {
            PickEndpoint p = ref.get();
            if (p != null) {
                p.refresh(instances);
            }
        };
        AutoCloseable s = view.onChange(listener);
        CLEANER.register(pick, () -> {
            try {
                s.close();
            } catch (Exception e) {
                // the view's own subscription handle does not fail
            }
        });
    }

    /** The service named by a discovery target. */
    public static String service(URI target) {
        String ssp = target.getSchemeSpecificPart();
        int q = ssp.indexOf('?');
        return (q < 0 ? ssp : ssp.substring(0, q)).replaceFirst("^//", "");
    }

    /** The schemes a discovery target asks for ({@code ?scheme=h2c,http}), in order; empty for any. */
    public static List<String> schemes(URI target) {
        String ssp = target.getSchemeSpecificPart();
        int q = ssp.indexOf('?');
        if (q < 0) {
            return List.of();
        }
        for (String param : ssp.substring(q + 1).split("&")) {
            if (param.startsWith("scheme=")) {
                return List.of(param.substring("scheme=".length()).split(","));
            }
        }
        return List.of();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        if (call.target() != null && !SCHEME.equals(call.target().getScheme())) {
            return next.proceed(call); // an outer interceptor picked already
        }
        CompletableFuture<ServiceView> ready = view.ready();
        if (!ready.isDone()) {
            long waitNanos = call.context().deadline().map(Deadline::remainingNanos).orElse(TimeUnit.SECONDS.toNanos(10));
            return ready.orTimeout(Math.max(1, waitNanos), TimeUnit.NANOSECONDS).handle((v, f) -> f == null)
                    .thenCompose(answered -> answered ? pick(call, next) : CompletableFuture.failedFuture(
                            new UnavailableException(view.service() + ": discovery gave no answer in time (" + view + ")")));
        }
        return pick(call, next);
    }

    private CompletableFuture<Object> pick(Call call, Next next) {
        List<Endpoint> all = endpoints;
        if (all.isEmpty()) {
            return CompletableFuture.failedFuture(new UnavailableException(view.service()
                    + ": no instance to call (discovery: " + view + "; callable schemes: " + callable + ")"));
        }
        List<Endpoint> candidates = all;
        for (int i = 0; i < all.size(); i++) {
            if (health.isEjected(all.get(i).uri())) {
                candidates = notEjected(all);
                break;
            }
        }
        if (candidates.isEmpty()) {
            candidates = all; // every endpoint ejected: let the breakers decide rather than refuse here
        }
        Endpoint endpoint = balancer.pick(candidates, call);
        balancer.onStart(endpoint);
        long start = ticker.nanoTime();
        CompletableFuture<Object> result = next.proceed(call.withTarget(endpoint.uri()));
        result.whenComplete((v, f) -> balancer.onEnd(endpoint, ticker.nanoTime() - start, f == null ? null : Errors.unwrap(f)));
        return result;
    }

    private List<Endpoint> notEjected(List<Endpoint> all) {
        List<Endpoint> out = new ArrayList<>(all.size());
        for (Endpoint e : all) {
            if (!health.isEjected(e.uri())) {
                out.add(e);
            }
        }
        return out;
    }

    private void refresh(List<ServiceInstance> instances) {
        List<Endpoint> out = new ArrayList<>(instances.size());
        for (ServiceInstance i : instances) {
            if (i.health() != ServiceInstance.Health.UP) {
                continue;
            }
            URI uri = choose(i.uris());
            if (uri != null) {
                out.add(new Endpoint(uri, i));
            }
        }
        endpoints = List.copyOf(out);
        balancer.onEndpoints(endpoints);
    }

    /** The instance's URI to use: the first preferred scheme it serves, else its first callable one. */
    private URI choose(List<URI> uris) {
        for (String scheme : preferred) {
            for (URI u : uris) {
                if (scheme.equals(u.getScheme()) && callable.contains(scheme)) {
                    return u;
                }
            }
        }
        if (!preferred.isEmpty()) {
            return null;
        }
        for (URI u : uris) {
            if (callable.contains(u.getScheme())) {
                return u;
            }
        }
        return null;
    }
}
