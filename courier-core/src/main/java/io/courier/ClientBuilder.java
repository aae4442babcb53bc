package io.courier;

import io.courier.contract.ServiceDescriptor;
import io.courier.discovery.EndpointHealth;
import io.courier.discovery.LoadBalancer;
import io.courier.internal.Checks;
import io.courier.internal.ClientHandler;
import io.courier.internal.InterceptorChain;
import io.courier.internal.PickEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of one client of a contract, from {@link Courier#client(Class)}. Not thread-safe;
 * the client it builds is.
 *
 * <pre>{@code
 * ConsumerService consumers = courier.client(ConsumerService.class)
 *     .target("http://127.0.0.1:8081")
 *     .deadline(Duration.ofMillis(300))
 *     .header("x-tenant", "acme")
 *     .build();
 * }</pre>
 *
 * <p>Without a target, or with {@code discovery:service}, calls go to the instances the
 * {@code Courier}'s discovery finds, one picked per attempt by the {@linkplain #loadBalancer
 * load balancer}:
 *
 * <pre>{@code
 * ConsumerService consumers = courier.client(ConsumerService.class).build();
 * }</pre>
 *
 * @param <T> the contract
 */
public final class ClientBuilder<T> {
    /**
     * The metadata entry that carries {@link #format(String)} to the transport, which sends it as
     * {@code Content-Type} and never as a header of its own.
     */
    static final String FORMAT_METADATA = "content-type";
    private final Courier courier;
    private final ServiceDescriptor service;
    private URI target;
    private Duration deadline = Duration.ofSeconds(30);
    private Metadata headers = Metadata.empty();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<Interceptor> endpointInterceptors = new ArrayList<>();
    private LoadBalancer loadBalancer;
    private EndpointHealth endpointHealth = EndpointHealth.none();

    ClientBuilder(Courier courier, ServiceDescriptor service) {
        this.courier = courier;
        this.service = service;
    }

    /**
     * Where calls go: {@code http://host:port} (HTTP/1.1), {@code h2c://host:port} (HTTP/2
     * without TLS), {@code inproc:name} from {@link Courier#uris()}, or
     * {@code discovery:service} (optionally {@code ?scheme=h2c,http} to prefer transports) for
     * the instances discovery finds; the default without a target is
     * {@code discovery:<the contract's service name>}.
     */
    public ClientBuilder<T> target(URI target) {
        Objects.requireNonNull(target, "target");
        if (target.getScheme() == null) {
            throw new IllegalArgumentException("target: " + target + " (expected: an absolute URI such as http://127.0.0.1:8080)");
        }
        this.target = target;
        return this;
    }

    /** Where calls go, as a URI string. */
    public ClientBuilder<T> target(String target) {
        return target(URI.create(Objects.requireNonNull(target, "target")));
    }

    /**
     * The time each call may take, every attempt included (default 30 s). A call made while
     * handling another gets the earlier of this and what is left of the incoming deadline.
     */
    public ClientBuilder<T> deadline(Duration timeout) {
        this.deadline = Checks.positive("deadline", timeout);
        return this;
    }

    /** A header sent with every call. */
    public ClientBuilder<T> header(String name, String value) {
        this.headers = headers.with(name, value);
        return this;
    }

    /**
     * The format of this client's bodies over REST: the media type of a codec its
     * {@code Courier} has, e.g. {@code application/json} (the default), {@code application/xml}
     * ({@code courier-xml}), {@code application/x-protobuf} ({@code courier-protobuf}) or
     * {@code application/avro} ({@code courier-avro}). Requests are sent with it as
     * {@code Content-Type} and ask for it with {@code Accept}; a response is decoded by its own
     * {@code Content-Type}, so a server answering in another format the client knows still
     * works. A media type no codec has fails each call with {@link UnimplementedException} listing
     * those registered. gRPC chooses its wire format by its transport instead.
     *
     * <pre>{@code
     * Orders orders = courier.client(Orders.class).target(uri).format("application/avro").build();
     * }</pre>
     */
    public ClientBuilder<T> format(String mediaType) {
        Objects.requireNonNull(mediaType, "mediaType");
        String type = mediaType.trim();
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1 || type.contains("*") || type.contains(";") || type.contains(",")) {
            throw new IllegalArgumentException("format: \"" + mediaType
                    + "\" (expected: one media type without parameters, such as application/json)");
        }
        this.headers = headers.with(FORMAT_METADATA, type);
        return this;
    }

    /** An interceptor for this client's calls, inside the {@code Courier}'s own. */
    public ClientBuilder<T> interceptor(Interceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /**
     * With discovery: picks the endpoint of each attempt (default: power-of-two-choices from
     * {@code courier-discovery}, else round robin). One per client; it keeps statistics.
     */
    public ClientBuilder<T> loadBalancer(LoadBalancer loadBalancer) {
        this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
        return this;
    }

    /** With discovery: endpoints to skip while others are available, e.g. those whose breaker is open. */
    public ClientBuilder<T> endpointHealth(EndpointHealth health) {
        this.endpointHealth = Objects.requireNonNull(health, "health");
        return this;
    }

    /**
     * An interceptor for each attempt at one endpoint: after the endpoint is picked (so
     * {@link Call#target()} is the endpoint), inside the {@linkplain #interceptor client's
     * interceptors}. The place for per-endpoint circuit breakers and limits.
     */
    public ClientBuilder<T> endpointInterceptor(Interceptor interceptor) {
        endpointInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /** The client: a proxy of the contract, safe to share between threads. */
    public T build() {
        URI to = target != null ? target : courier.defaultTarget(service);
        InterceptorChain chain;
        if (PickEndpoint.SCHEME.equals(to.getScheme())) {
            chain = courier.discoveryChain(to, interceptors, endpointInterceptors, loadBalancer, endpointHealth);
        } else {
            chain = courier.clientChain(to, interceptors, endpointInterceptors);
        }
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) service.type();
        ClientHandler handler = new ClientHandler(service, to, deadline, headers, courier.name(), courier.ticker(), chain);
        return ClientHandler.proxy(type, handler);
    }
}
