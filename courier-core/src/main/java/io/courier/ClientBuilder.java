package io.courier;

import io.courier.contract.ServiceDescriptor;
import io.courier.internal.ClientHandler;
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
 * @param <T> the contract
 */
public final class ClientBuilder<T> {
    private final Courier courier;
    private final ServiceDescriptor service;
    private URI target;
    private Duration deadline = Duration.ofSeconds(30);
    private Metadata headers = Metadata.empty();
    private final List<Interceptor> interceptors = new ArrayList<>();

    ClientBuilder(Courier courier, ServiceDescriptor service) {
        this.courier = courier;
        this.service = service;
    }

    /**
     * Where calls go: {@code http://host:port} (HTTP/1.1), {@code h2c://host:port} (HTTP/2
     * without TLS), or {@code inproc:name} from {@link Courier#uris()}.
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
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("deadline: " + timeout + " (expected: > 0)");
        }
        this.deadline = timeout;
        return this;
    }

    /** A header sent with every call. */
    public ClientBuilder<T> header(String name, String value) {
        this.headers = headers.with(name, value);
        return this;
    }

    /** An interceptor for this client's calls, inside the {@code Courier}'s own. */
    public ClientBuilder<T> interceptor(Interceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /** The client: a proxy of the contract, safe to share between threads. */
    public T build() {
        if (target == null) {
            throw new IllegalStateException(service.type().getSimpleName() + " client: no target (expected: "
                    + ".target(\"http://host:port\") or .target(courier.uri()))");
        }
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) service.type();
        ClientHandler handler = new ClientHandler(service, target, deadline, headers, courier.name(), courier.ticker(),
                courier.clientChain(target, interceptors));
        return ClientHandler.proxy(type, handler);
    }
}
