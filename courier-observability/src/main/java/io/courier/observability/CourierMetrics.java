package io.courier.observability;

import io.courier.Interceptor;
import io.courier.discovery.ServiceView;
import io.courier.messaging.Messaging;
import io.courier.observability.internal.AttemptCounter;
import io.courier.observability.internal.BreakerMeters;
import io.courier.observability.internal.InfrastructureMeters;
import io.courier.observability.internal.MessagingMeters;
import io.courier.observability.internal.MetricsInterceptor;
import io.courier.observability.internal.MetricsSettings;
import io.courier.observability.internal.ResilienceCounters;
import io.courier.outbox.OutboxRelay;
import io.courier.outbox.tailing.LogTailingRelay;
import io.courier.resilience.Bulkhead;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.ResilienceListener;
import io.courier.resilience.RetryBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Metrics of every call, client and server side, REST, gRPC and messages alike, recorded with
 * Micrometer under the names and tags of OpenTelemetry's RPC conventions: the timer
 * {@code rpc.server.duration} / {@code rpc.client.duration} (its count is the number of calls)
 * and the gauge {@code rpc.server.active_requests} / {@code rpc.client.active_requests}, tagged
 * {@code rpc.system} ({@code rest}, {@code grpc}, {@code message}, {@code inproc}),
 * {@code rpc.service}, {@code rpc.method} and, on the timer, {@code rpc.response.status_code}
 * (Courier's status name, {@code OK} for success). {@link #attemptInterceptor()} counts attempts
 * per endpoint ({@code rpc.client.attempts}), {@link #bind(CircuitBreakers, String)} shows
 * breaker states and transitions and {@link #bind(RetryBudget, String)} a retry budget. docs/observability.md lists every name.
 *
 * <pre>{@code
 * CourierMetrics metrics = CourierMetrics.builder().build();        // a Prometheus registry
 * Courier courier = Courier.builder()
 *     .clientInterceptor(metrics.clientInterceptor())
 *     .serverInterceptor(metrics.serverInterceptor())
 *     .transport(new HttpTransportFactory())
 *     .transport(ObservabilityRoutes.builder().metrics(metrics).build())   // GET /metrics
 *     .build();
 * }</pre>
 *
 * <p>Put the interceptors first (outermost): a client call is then timed with its retries, and
 * a served call from the moment it is decoded. Thread-safe.
 */
public final class CourierMetrics {
    private final MeterRegistry registry;
    private final MetricsSettings settings;
    private final Interceptor client;
    private final Interceptor server;
    private final Interceptor attempts;
    private final List<BreakerMeters> breakers = new CopyOnWriteArrayList<>();
    /** What else {@link #refresh()} brings up to date (partition lags): Runnables, so that no optional type is named here. */
    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();

    private CourierMetrics(Builder b) {
        this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.settings = new MetricsSettings(b.histogram, b.percentiles.clone(), b.slos.clone());
        this.client = new MetricsInterceptor(registry, false, settings);
        this.server = new MetricsInterceptor(registry, true, settings);
        this.attempts = new AttemptCounter(registry);
    }

    /** A builder: a new Prometheus registry, histograms on, no percentiles, no SLO buckets. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the meters are. */
    public MeterRegistry registry() {
        return registry;
    }

    /** For {@code Courier.Builder.clientInterceptor} and {@code Messaging.Builder.clientInterceptor}. */
    public Interceptor clientInterceptor() {
        return client;
    }

    /** For {@code Courier.Builder.serverInterceptor} and {@code Messaging.Builder.serverInterceptor}. */
    public Interceptor serverInterceptor() {
        return server;
    }

    /**
     * For {@code ClientBuilder.endpointInterceptor}: counts each attempt ({@code rpc.client.attempts},
     * tagged as the timers plus {@code server.address}, the endpoint), so that attempts minus
     * calls are the retries and hedges.
     */
    public Interceptor attemptInterceptor() {
        return attempts;
    }

    /**
     * Shows what discovery knows of one service, read when scraped:
     * {@code courier.discovery.instances} (instances listed, tagged {@code health}: {@code up},
     * {@code draining}, {@code down}), {@code courier.discovery.stale} (1 while the view serves its
     * last good list because the backend fails), {@code courier.discovery.error} (1 when the
     * backend's last answer was an error) and {@code courier.discovery.age} (seconds since the
     * backend last answered), tagged {@code courier.service}. For instance
     * {@code bind(courier.view("inventory"))}.
     */
    public CourierMetrics bind(ServiceView view) {
        InfrastructureMeters.discovery(registry, Objects.requireNonNull(view, "view"), Instant::now);
        return this;
    }

    /**
     * Shows a {@link Messaging} (needs courier-messaging; a name of its own, so that code calling
     * the other {@code bind} methods compiles without it), read when scraped and tagged
     * {@code courier.messaging} with its name: {@code messaging.parked_keys} (a gauge: partition
     * keys waiting for a failed message's next attempt), {@code messaging.dead_letters} (a counter
     * per group the instance consumes as, also tagged {@code messaging.destination.name},
     * {@code messaging.consumer.group.name} and {@code reason}: {@code poison} or
     * {@code retries_exhausted}; a group subscribed later is added on {@link #refresh()}),
     * {@code messaging.redeliveries} (a counter per group, tagged as the dead letters: messages the
     * broker delivered to the group again),
     * {@code messaging.duplicates_skipped}, {@code messaging.expired_dropped} and
     * {@code messaging.replies_dropped} (counters).
     */
    public CourierMetrics bindMessaging(Messaging messaging) {
        refreshers.add(MessagingMeters.bind(registry, Objects.requireNonNull(messaging, "messaging")));
        return this;
    }

    /**
     * Shows the consumer lag of {@code group} on {@code channel} as the broker of
     * {@code messaging} reports it ({@link Messaging#consumerLag}; {@code courier-kafka} does):
     * the gauge {@code messaging.consumer.lag}, messages not yet fetched, summed over the
     * partitions the group's consumers in this instance hold, tagged
     * {@code messaging.destination.name} and {@code messaging.consumer.group.name}; NaN while
     * the broker cannot tell (before a first fetch, or a broker that does not report it).
     */
    public CourierMetrics bindConsumerLag(Messaging messaging, String channel, String group) {
        MessagingMeters.bindLag(registry, Objects.requireNonNull(messaging, "messaging"),
                Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(group, "group"));
        return this;
    }

    /**
     * Shows the lag of {@code group} on each partition of {@code channel}, for the whole group,
     * as the broker of {@code messaging} keeps it ({@link Messaging#partitionLag}: Kafka's end
     * offsets minus the group's committed offsets; RabbitMQ's ready messages of each partition
     * queue): the gauge {@code messaging.consumer.partition.lag}, tagged
     * {@code messaging.destination.name}, {@code messaging.consumer.group.name} and
     * {@code messaging.destination.partition.id} (partitions 0 to 1023 at most). Read from the
     * broker on {@link #refresh()}, which {@link ObservabilityRoutes} calls before each scrape;
     * absent while the broker does not answer.
     */
    public CourierMetrics bindPartitionLag(Messaging messaging, String channel, String group) {
        var lag = MessagingMeters.bindPartitionLag(registry, Objects.requireNonNull(messaging, "messaging"),
                Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(group, "group"));
        refreshers.add(lag::refresh);
        return this;
    }

    /**
     * Shows a polling outbox relay (needs courier-outbox; a name of its own, so that code calling
     * {@code bind} compiles without it), read when scraped:
     * {@code courier.outbox.published} (rows published and confirmed), {@code courier.outbox.backlog}
     * (rows waiting: a count query on each scrape), {@code courier.outbox.relay.latency} (writing to
     * confirmation, of the last row) and {@code courier.outbox.partitions.held}, tagged
     * {@code courier.relay} with {@code name}.
     */
    public CourierMetrics bindOutbox(OutboxRelay relay, String name) {
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a name)");
        }
        InfrastructureMeters.outbox(registry, Objects.requireNonNull(relay, "relay"), name);
        return this;
    }

    /**
     * Shows a log-tailing outbox relay (needs courier-outbox), read when scraped:
     * {@code courier.outbox.published}, {@code courier.outbox.relay.latency} (commit to the broker's
     * confirmation, of the last transaction), {@code courier.outbox.slot.lag} (bytes of WAL the
     * replication slot holds back) and {@code courier.outbox.relay.active}, tagged
     * {@code courier.relay} with the slot's name.
     */
    public CourierMetrics bindOutbox(LogTailingRelay relay) {
        InfrastructureMeters.outbox(registry, Objects.requireNonNull(relay, "relay"));
        return this;
    }

    /**
     * Shows the endpoint breakers of a client: {@code courier.breaker.state} (1 for the state
     * each endpoint's breaker is in, 0 for the others, tagged {@code courier.client},
     * {@code server.address} and {@code state}) and {@code courier.breaker.transitions}
     * (tagged {@code courier.client}, {@code server.address}, {@code from} and {@code to}).
     *
     * @param client the name the client's meters are tagged with ({@code courier.client})
     */
    public CourierMetrics bind(CircuitBreakers breakers, String client) {
        Objects.requireNonNull(breakers, "breakers");
        if (Objects.requireNonNull(client, "client").isBlank()) {
            throw new IllegalArgumentException("client: \"" + client + "\" (expected: a name)");
        }
        this.breakers.add(new BreakerMeters(registry, breakers, client));
        return this;
    }

    /**
     * Shows a client's {@link RetryBudget} (for instance {@code retry.budget()}), read when
     * scraped: {@code courier.retry.budget.requests} and {@code courier.retry.budget.retries} (counted
     * in its window now) and {@code courier.retry.budget.remaining} (retries it would still allow:
     * ratio times requests plus the floor, minus retries taken), tagged {@code courier.client}.
     */
    public CourierMetrics bind(RetryBudget budget, String client) {
        Objects.requireNonNull(budget, "budget");
        if (Objects.requireNonNull(client, "client").isBlank()) {
            throw new IllegalArgumentException("client: \"" + client + "\" (expected: a name)");
        }
        RetryBudget.Config c = budget.config();
        double floor = c.minRetriesPerSecond() * (c.window().toNanos() / 1e9);
        Gauge.builder("courier.retry.budget.requests", budget, RetryBudget::requests)
                .description("Requests counted in the retry budget's window").tag("courier.client", client).register(registry);
        Gauge.builder("courier.retry.budget.retries", budget, RetryBudget::retries)
                .description("Retries taken in the retry budget's window").tag("courier.client", client).register(registry);
        Gauge.builder("courier.retry.budget.remaining", budget,
                        b -> Math.max(0, Math.floor(c.ratio() * b.requests() + floor) - b.retries()))
                .description("Retries the budget would still allow now").tag("courier.client", client).register(registry);
        return this;
    }

    /**
     * Shows a {@link Bulkhead}, read when scraped: {@code courier.bulkhead.in_flight} (calls it
     * holds now) and {@code courier.bulkhead.limit} (its limit now, fixed or adaptive), tagged
     * {@code courier.bulkhead} with its name. Its rejections are the calls and attempts that end
     * {@code RESOURCE_EXHAUSTED}.
     */
    public CourierMetrics bind(Bulkhead bulkhead) {
        Objects.requireNonNull(bulkhead, "bulkhead");
        Gauge.builder("courier.bulkhead.in_flight", bulkhead, Bulkhead::inFlight).description("Calls a bulkhead holds now")
                .tag("courier.bulkhead", bulkhead.name()).register(registry);
        Gauge.builder("courier.bulkhead.limit", bulkhead, Bulkhead::limit).description("A bulkhead's limit now")
                .tag("courier.bulkhead", bulkhead.name()).register(registry);
        return this;
    }

    /**
     * Counts what the steps of {@code resilience} do to a client's calls, tagged
     * {@code courier.client}, {@code rpc.service} and {@code rpc.method}: {@code courier.hedges}
     * (hedged attempts sent), {@code courier.fallbacks} (calls a fallback answered) and
     * {@code courier.rejections} with {@code reason} {@code bulkhead_full}, {@code breaker_open}
     * (a service or endpoint breaker refused it) or {@code retry_budget_exhausted} (a retry or
     * hedge the budget did not allow). Bind each {@code Resilience} once: a step shared by
     * clients bound under two names counts each event under both.
     *
     * @param client the name the client's meters are tagged with ({@code courier.client})
     */
    public CourierMetrics bind(Resilience resilience, String client) {
        Objects.requireNonNull(resilience, "resilience");
        resilience.addListener(resilienceListener(client));
        return this;
    }

    /**
     * The listener {@link #bind(Resilience, String)} adds, for steps used without
     * {@link Resilience} ({@code bulkhead.addListener(metrics.resilienceListener("stock"))}).
     */
    public ResilienceListener resilienceListener(String client) {
        if (Objects.requireNonNull(client, "client").isBlank()) {
            throw new IllegalArgumentException("client: \"" + client + "\" (expected: a name)");
        }
        return new ResilienceCounters(registry, client);
    }

    /**
     * Brings what is read from other objects (the endpoints of bound breakers, the partition lags
     * asked of brokers) up to date; called before a scrape.
     */
    public void refresh() {
        breakers.forEach(BreakerMeters::refresh);
        refreshers.forEach(Runnable::run);
    }

    /** Settings of a {@link CourierMetrics}. Not thread-safe. */
    public static final class Builder {
        private MeterRegistry registry;
        private boolean histogram = true;
        private double[] percentiles = new double[0];
        private Duration[] slos = new Duration[0];

        private Builder() {
        }

        /** The registry to record in (default: a new {@link PrometheusMeterRegistry}). */
        public Builder registry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Whether call timers publish a histogram of buckets, for quantiles across instances (default true). */
        public Builder histogram(boolean histogram) {
            this.histogram = histogram;
            return this;
        }

        /** Percentiles each instance computes itself, e.g. 0.5, 0.99 (default none). */
        public Builder percentiles(double... percentiles) {
            for (double p : percentiles) {
                if (!(p > 0 && p < 1)) {
                    throw new IllegalArgumentException("percentile: " + p + " (expected: in (0, 1))");
                }
            }
            this.percentiles = percentiles.clone();
            return this;
        }

        /** Bucket boundaries that must be in the histogram, e.g. the latency objectives (default none). */
        public Builder slos(Duration... slos) {
            for (Duration d : slos) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("slo: " + d + " (expected: > 0)");
                }
            }
            this.slos = slos.clone();
            return this;
        }

        /** The metrics. */
        public CourierMetrics build() {
            return new CourierMetrics(this);
        }
    }
}
