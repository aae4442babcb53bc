package io.courier;

import io.courier.contract.ServiceDescriptor;
import io.courier.discovery.Discovery;
import io.courier.discovery.EndpointHealth;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceView;
import io.courier.inprocess.InProcessTransportFactory;
import io.courier.internal.ClientChains;
import io.courier.internal.Dispatcher;
import io.courier.internal.InterceptorChain;
import io.courier.internal.PickEndpoint;
import io.courier.internal.RoundRobinBalancer;
import io.courier.internal.SelfRegistration;
import io.courier.internal.VirtualWorkers;
import io.courier.spi.Codec;
import io.courier.spi.Codecs;
import io.courier.spi.Readiness;
import io.courier.spi.ServerTransport;
import io.courier.spi.SharedResources;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: serves contract implementations and creates clients for contracts, over
 * every transport on the class path (REST with {@code courier-http}; always in-process).
 *
 * <pre>{@code
 * try (Courier courier = Courier.builder().name("consumer-service").build()) {
 *     courier.serve(ConsumerService.class, new ConsumerServiceImpl());
 *     ConsumerService consumers = courier.client(ConsumerService.class)
 *         .target(courier.uri())
 *         .deadline(Duration.ofMillis(300))
 *         .build();
 *     consumers.get(42);
 * }
 * }</pre>
 *
 * <p>Servers bind on the first {@link #serve}, to the configured host and port (port 0, the
 * default, picks a free one; {@link #uri()} tells which). Thread-safe; clients are cheap
 * proxies that share this instance's connections, so make them once and keep them.
 *
 * <p>With a {@link Discovery} backend ({@link Builder#discovery}, or one found on the class
 * path), every served service is registered and kept alive until {@link #close()}, and a
 * client without a target ({@code courier.client(X.class).build()}) or with
 * {@code discovery:service} finds the service's instances and balances its calls over them.
 */
public final class Courier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private final String name;
    /** The time of everything in this instance but discovery leases. */
    private final Clock clock;
    private final Duration drainTimeout;
    /** Assembles the chain of each client: the Courier-wide interceptors, then the client's. */
    private final ClientChains chains;
    /** A real timer of this instance: its own clock's when none is given, and lease renewals always. */
    private final ScheduledExecutorService timer;
    /** Runs blocking-style handlers (and registration work) on virtual threads that wait for the next call. */
    private final ExecutorService handlers;
    private final Dispatcher dispatcher;
    private final Map<String, Transport> transports = new LinkedHashMap<>();
    private final Map<String, Transport> bySchema = new HashMap<>();
    private final Object lock = new Object();
    private final Discovery discovery;
    private final boolean ownsDiscovery;
    private final SelfRegistration registration;
    private final Map<String, ServiceView> views = new ConcurrentHashMap<>();
    private final SharedResources shared = new SharedResources();
    private boolean started;
    private volatile boolean closed;

    private Courier(Builder b) {
        this.name = b.name;
        this.drainTimeout = b.drainTimeout;
        ScheduledThreadPoolExecutor realTimer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("courier-timer-" + name).factory());
        realTimer.setRemoveOnCancelPolicy(true);
        this.timer = realTimer;
        this.clock = b.clock != null ? b.clock : Clock.of(b.ticker, Scheduler.of(realTimer));
        // Every client's per-attempt deadline step runs on this instance's clock.
        this.chains = new ClientChains(b.clientInterceptors, Interceptors.deadline(clock), clock);
        // Handler threads wait for the next call once done, rather than a thread started per call.
        this.handlers = new VirtualWorkers("courier-handler-", 256, Duration.ofSeconds(30));
        this.dispatcher = new Dispatcher(b.serverInterceptors, handlers, clock, b.maxOneWayRunning);

        List<Codec> codecs = new ArrayList<>();
        ServiceLoader.load(Codec.class, Courier.class.getClassLoader()).forEach(codecs::add);
        codecs.addAll(b.codecs);
        codecs.replaceAll(c -> Objects.requireNonNull(c.withLimits(b.limits), () -> c + ".withLimits returned null"));
        TransportContext context = new TransportContext(name, Codecs.of(codecs), b.host, b.port, b.limits, clock,
                b.eventLoops, shared, Optional.ofNullable(b.tls));

        // Readiness, which the transports share: not while closing, and registered when discovery is used.
        Readiness readiness = Readiness.of(context);
        readiness.require("draining", () -> closed ? Optional.of("") : Optional.empty());

        List<TransportFactory> factories = new ArrayList<>();
        factories.add(new InProcessTransportFactory());
        if (b.transports.isEmpty()) {
            ServiceLoader.load(TransportFactory.class, Courier.class.getClassLoader()).forEach(factories::add);
        } else {
            factories.addAll(b.transports);
        }
        for (TransportFactory f : factories) {
            if (transports.containsKey(f.name())) {
                continue;
            }
            Transport t = f.create(context);
            transports.put(f.name(), t);
            for (String scheme : t.schemes()) {
                bySchema.putIfAbsent(scheme, t);
            }
        }
        List<Transport> created = List.copyOf(transports.values());
        created.forEach(t -> t.peers(created));
        this.discovery = b.discovery != null ? b.discovery : foundDiscovery();
        this.ownsDiscovery = b.discovery == null && discovery != null;
        this.registration = discovery == null ? null
                : new SelfRegistration(discovery, name, b.instanceMetadata, timer, handlers);
        if (registration != null) {
            readiness.require("discovery", registration::problem);
        }
    }

    /** The first discovery backend on the class path, unless {@code -Dcourier.discovery=none}. */
    private static Discovery foundDiscovery() {
        if ("none".equals(System.getProperty("courier.discovery"))) {
            return null;
        }
        return ServiceLoader.load(Discovery.class, Courier.class.getClassLoader()).findFirst().orElse(null);
    }

    /** A builder with the defaults: name {@code courier}, host {@code 127.0.0.1}, port 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** This instance's name, sent to servers as the caller's identity. */
    public String name() {
        return name;
    }

    /**
     * Serves {@code impl} as {@code contract} on every transport, binding servers on first use.
     *
     * @throws io.courier.contract.InvalidContractException when the contract is invalid
     * @throws IllegalStateException when the contract is already served, or this is closed
     */
    public <T> Courier serve(Class<T> contract, T impl) {
        Objects.requireNonNull(impl, "impl");
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Courier " + name + " is closed");
            }
            dispatcher.add(service, impl);
            if (!started) {
                for (Transport t : transports.values()) {
                    t.server().ifPresent(s -> s.start(dispatcher));
                }
                started = true;
                log.info("Courier {} serving at {}", name, uris());
            }
            for (Transport t : transports.values()) {
                t.server().ifPresent(s -> s.register(service));
            }
            if (registration != null) {
                registration.add(service.name(), uris());
            }
        }
        log.debug("Courier {} serves {}", name, service.name());
        return this;
    }

    /**
     * A builder for a client of {@code contract}.
     *
     * @throws io.courier.contract.InvalidContractException when the contract is invalid
     */
    public <T> ClientBuilder<T> client(Class<T> contract) {
        return new ClientBuilder<>(this, ServiceDescriptor.of(contract));
    }

    /** The URI of the REST server if there is one, else of the first network server, e.g. {@code http://127.0.0.1:41234}. */
    public URI uri() {
        List<URI> all = uris();
        // REST first: an http URI is what any client, curl included, can use; gRPC may share its port.
        return all.stream().filter(u -> "http".equals(u.getScheme()) || "https".equals(u.getScheme())).findFirst()
                .or(() -> all.stream().filter(u -> !"inproc".equals(u.getScheme())).findFirst())
                .or(() -> all.stream().findFirst())
                .orElseThrow(() -> new IllegalStateException(
                        "Courier " + name + " serves nothing yet (expected: serve(...) before uri())"));
    }

    /** The URIs of every started server: network ones and the in-process one. */
    public List<URI> uris() {
        synchronized (lock) {
            if (!started) {
                return List.of();
            }
            return transports.values().stream().flatMap(t -> t.server().stream()).map(ServerTransport::uri).toList();
        }
    }

    /** The bound socket address of the first network server. */
    public InetSocketAddress address() {
        URI uri = uri();
        return transports.values().stream().flatMap(t -> t.server().stream()).filter(s -> s.uri().equals(uri))
                .findFirst().map(ServerTransport::localAddress).orElseThrow();
    }

    /**
     * The instances of {@code service} that discovery knows, kept up to date; the same view for
     * every caller, shared with this instance's clients.
     *
     * @throws IllegalStateException when there is no discovery backend
     */
    public ServiceView discovered(String service) {
        Objects.requireNonNull(service, "service");
        if (discovery == null) {
            throw new IllegalStateException("Courier " + name + " has no discovery backend (expected: "
                    + "Courier.builder().discovery(...), or courier-discovery on the class path)");
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Courier " + name + " is closed");
            }
            return views.computeIfAbsent(service, s -> ServiceView.watch(discovery, s, clock));
        }
    }

    /** The discovery backend in use, if any. */
    public Optional<Discovery> discovery() {
        return Optional.ofNullable(discovery);
    }

    /**
     * Marks this instance draining in discovery, tells every transport (which may hold the
     * close a short while, see {@code Transport.draining()}), stops serving (new calls get
     * {@link UnavailableException}), waits for calls in flight up to the drain timeout,
     * deregisters, then closes every transport and connection.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (registration != null) {
            registration.drain();
        }
        for (Transport t : transports.values()) {
            try {
                t.draining();
            } catch (RuntimeException e) {
                log.warn("Courier {}: transport {} failed as the server began draining: {}", name, t.name(), e.toString());
            }
        }
        dispatcher.beginClosing();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Transport t : transports.values()) {
            t.server().ifPresent(s -> stops.add(s.stop(drainTimeout)));
        }
        if (!dispatcher.awaitDrained(drainTimeout)) {
            log.warn("Courier {}: {} calls still running after {} ms; closing anyway", name, dispatcher.inFlight(),
                    drainTimeout.toMillis());
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(drainTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("Courier {}: servers did not stop cleanly: {}", name, e.toString());
        }
        closeDiscovery();
        for (Transport t : transports.values()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                log.warn("Courier {}: closing transport {} failed: {}", name, t.name(), e.toString());
            }
        }
        shared.close(); // after the transports: they share it
        handlers.shutdownNow();
        timer.shutdownNow();
    }

    private void closeDiscovery() {
        if (registration != null) {
            registration.deregisterAll();
        }
        views.values().forEach(ServiceView::close);
        if (ownsDiscovery) {
            try {
                discovery.close();
            } catch (RuntimeException e) {
                log.warn("Courier {}: closing discovery {} failed: {}", name, discovery.name(), e.toString());
            }
        }
    }

    /** Where a client without a target sends calls: the service through discovery. */
    URI defaultTarget(ServiceDescriptor service) {
        if (discovery == null) {
            throw new IllegalStateException(service.type().getSimpleName() + " client: no target (expected: "
                    + ".target(\"http://host:port\") or .target(courier.uri()), or a discovery backend: "
                    + "Courier.builder().discovery(...) or courier-discovery on the class path)");
        }
        return URI.create(PickEndpoint.SCHEME + ":" + service.name());
    }

    /** The chain of a client whose target is {@code discovery:service}. */
    InterceptorChain discoveryChain(URI target, List<Interceptor> perClient, List<Interceptor> perEndpoint,
                                    LoadBalancer balancer, EndpointHealth health) {
        ServiceView view = discovered(PickEndpoint.service(target));
        Map<String, Transport> transports;
        synchronized (lock) {
            transports = Map.copyOf(bySchema);
        }
        return chains.discovery(target, view, balancer != null ? balancer : foundBalancer(), health, transports,
                perClient, perEndpoint);
    }

    /** A new load balancer from the class path (courier-discovery's default), else round robin. */
    private static LoadBalancer foundBalancer() {
        return ServiceLoader.load(LoadBalancer.class, Courier.class.getClassLoader()).findFirst()
                .orElseGet(RoundRobinBalancer::new);
    }

    /** The chain of a client with a fixed target: its endpoint interceptors run once per attempt. */
    InterceptorChain clientChain(URI target, List<Interceptor> perClient, List<Interceptor> perEndpoint) {
        Transport transport;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Courier " + name + " is closed");
            }
            transport = bySchema.get(target.getScheme());
        }
        if (transport == null) {
            throw new IllegalArgumentException("target: " + target + " (expected: a URI with one of the schemes "
                    + bySchema.keySet() + "; add courier-http for http and h2c)");
        }
        return chains.fixed(transport.client(), perClient, perEndpoint);
    }

    Ticker ticker() {
        return clock;
    }

    /** Builds a {@link Courier}; not thread-safe. */
    public static final class Builder {
        private String name = "courier";
        private String host = "127.0.0.1";
        private int port;
        private Limits limits = Limits.defaults();
        private Ticker ticker = Ticker.system();
        private Clock clock;
        private Duration drainTimeout = Duration.ofSeconds(5);
        private int eventLoops = 2 * Runtime.getRuntime().availableProcessors();
        private int maxOneWayRunning = 1000;
        private final List<Codec> codecs = new ArrayList<>();
        private final List<TransportFactory> transports = new ArrayList<>();
        private final List<Interceptor> clientInterceptors = new ArrayList<>();
        private final List<Interceptor> serverInterceptors = new ArrayList<>();
        private Discovery discovery;
        private Tls tls;
        private final Map<String, String> instanceMetadata = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Where served services are registered and clients find them (default: the first
         * {@link Discovery} on the class path). The caller closes it after the {@code Courier}.
         */
        public Builder discovery(Discovery discovery) {
            this.discovery = Objects.requireNonNull(discovery, "discovery");
            return this;
        }

        /**
         * Metadata registered with every served service, e.g. {@code zone}, {@code version},
         * {@code weight} (see {@link io.courier.discovery.ServiceInstance}).
         */
        public Builder instanceMetadata(String key, String value) {
            instanceMetadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The name of this application or service instance (default {@code courier}). */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: \"\" (expected: a non-blank name)");
            }
            this.name = name;
            return this;
        }

        /** The address servers bind to (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * TLS for the network transports ({@link Tls}): the REST and gRPC servers accept TLS only,
         * and clients use it for {@code https://}, {@code h2://} and {@code grpcs://} targets
         * (default: none; servers in plaintext, TLS targets trusting the JDK's authorities).
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** The port servers bind to (default 0: a free port, see {@link Courier#uri()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /**
         * Request size limits, and the decode limits every codec of this instance enforces on
         * every transport (default {@link Limits#defaults()}).
         */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** A codec in addition to those found on the class path; replaces one of the same media type. */
        public Builder codec(Codec codec) {
            codecs.add(Objects.requireNonNull(codec, "codec"));
            return this;
        }

        /**
         * A transport to use; once any is given, the class path is not searched (the in-process
         * transport is always there).
         */
        public Builder transport(TransportFactory transport) {
            transports.add(Objects.requireNonNull(transport, "transport"));
            return this;
        }

        /** An interceptor for every client of this instance, outside the per-client ones. */
        public Builder clientInterceptor(Interceptor interceptor) {
            clientInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** An interceptor for every served call, in the order added (first is outermost). */
        public Builder serverInterceptor(Interceptor interceptor) {
            serverInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * How many event-loop threads serve every network transport of this instance together
         * (REST and gRPC share one group; default twice the processors, as Netty's). Handlers
         * run on virtual threads, not on these.
         */
        public Builder eventLoops(int eventLoops) {
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
            }
            this.eventLoops = eventLoops;
            return this;
        }

        /**
         * How many {@code @OneWay} handlers may run at once before one-way calls are answered only
         * once their handler has run (default 1,000). Below it a one-way call is answered (202
         * over REST) as its handler starts; past it the caller waits as for any call, so one that
         * sends faster than the handlers run is slowed down instead of piling up work on the
         * server. Calls refused before the handler (the null rule, an interceptor) get their error
         * either way.
         */
        public Builder maxOneWayRunning(int maxOneWayRunning) {
            if (maxOneWayRunning < 1) {
                throw new IllegalArgumentException("maxOneWayRunning: " + maxOneWayRunning + " (expected: >= 1)");
            }
            this.maxOneWayRunning = maxOneWayRunning;
            return this;
        }

        /** How long {@link Courier#close()} waits for calls in flight (default 5 s). */
        public Builder drainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: >= 0)");
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * The time of this instance: deadlines on both sides, transport timers, discovery views
         * and endpoint picking (default: the machine's time, with a timer thread of this
         * instance); tests pass courier-test's {@code FakeClock}. Discovery lease renewals run on
         * real time whatever the clock: the registry judges leases by its own.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The time source for deadlines only (default the system's); a {@link #clock}, if given, replaces it. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** A new {@link Courier}; servers start on its first {@link Courier#serve}. */
        public Courier build() {
            return new Courier(this);
        }
    }
}
