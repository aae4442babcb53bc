package io.courier.console;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.console.internal.ActionGuard;
import io.courier.console.internal.ConsoleTransport;
import io.courier.console.internal.DeadLetterShelf;
import io.courier.discovery.ServiceResolver;
import io.courier.messaging.Messaging;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The web console, served under {@code /console} on the REST port of the {@code Courier} it is
 * given to (that of {@code courier-http}), off unless given. It draws:
 * <ul>
 *   <li><b>topology</b>: the services it is told to watch and their instances, as discovery
 *       knows them, and the calls and messages between them, labelled by style (REST, gRPC,
 *       command, event, scatter-gather) with their rate, error rate and p99 over the last
 *       {@link Builder#window window}. It reads them from each instance's Prometheus scrape
 *       ({@code /metrics}, served by {@code courier-observability}'s {@code ObservabilityRoutes});
 *       an instance whose scrape fails, or that discovery reports down, is drawn down;</li>
 *   <li><b>resilience</b>: per client and endpoint, breaker states and transitions, retry
 *       budgets and bulkheads, from the same scrapes;</li>
 *   <li><b>messaging</b>: the groups handling each channel with their rate and message age,
 *       and the dead letters of the channels it {@link Builder#deadLetters watches}, with why
 *       they failed and a replay and a discard action (each needs a confirmation);</li>
 *   <li><b>contracts</b>: each service's OpenAPI document, read from an instance, with a form
 *       that tries a call through the console.</li>
 * </ul>
 * The page updates itself from a Server-Sent Events stream; it needs no build step and no
 * script from elsewhere.
 *
 * <pre>{@code
 * Courier order = Courier.builder().name("order")
 *     .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
 *     .transport(ObservabilityRoutes.builder().metrics(metrics).build())
 *     .transport(Console.builder().discovery(discovery).services("order", "consumer", "kitchen")
 *         .deadLetters(messaging, "OrderCreated", "kitchen").build())
 *     .build();
 * // open http://localhost:8082/console
 * }</pre>
 *
 * <p>The console's actions (replay, discard, trying a call) act on the services: require a role
 * for them ({@link Builder#actionsRequire}), or expose the console only where its users may act;
 * {@link Builder#viewRequires} guards viewing too.
 * Immutable and thread-safe.
 */
public final class Console implements TransportFactory {
    /** The name of this factory. */
    public static final String NAME = "console";

    private final ServiceResolver discovery;
    private final Set<String> services;
    private final String path;
    private final Duration refresh;
    private final Duration window;
    private final List<DeadLetterShelf.Watch> deadLetters;
    private final ActionGuard guard;
    private final ActionGuard viewGuard;

    private Console(Builder b) {
        this.discovery = b.discovery;
        this.services = Set.copyOf(b.services);
        this.path = b.path;
        this.refresh = b.refresh;
        this.window = b.window;
        this.deadLetters = List.copyOf(b.deadLetters);
        this.guard = b.guard;
        this.viewGuard = b.viewGuard;
    }

    /** A builder: {@link Builder#discovery} and {@link Builder#services} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create(TransportContext context) {
        return new ConsoleTransport(discovery, List.copyOf(new LinkedHashSet<>(services)), path, refresh, window,
                deadLetters, guard, viewGuard);
    }

    /** Settings of {@link Console}. Not thread-safe. */
    public static final class Builder {
        private ServiceResolver discovery;
        private final Set<String> services = new LinkedHashSet<>();
        private String path = "/console";
        private Duration refresh = Duration.ofSeconds(2);
        private Duration window = Duration.ofMinutes(1);
        private final List<DeadLetterShelf.Watch> deadLetters = new ArrayList<>();
        private ActionGuard guard = ActionGuard.OPEN;
        private ActionGuard viewGuard = ActionGuard.OPEN;

        private Builder() {
        }

        /** Where the console finds the services' instances (the {@code Discovery} of the {@code Courier}, usually). */
        public Builder discovery(ServiceResolver discovery) {
            this.discovery = Objects.requireNonNull(discovery, "discovery");
            return this;
        }

        /** Services to draw, by their discovery names; more than once adds to them. */
        public Builder services(String... names) {
            for (String name : names) {
                if (Objects.requireNonNull(name, "name").isBlank()) {
                    throw new IllegalArgumentException("services: a blank name (expected: a discovery name such as order)");
                }
                services.add(name);
            }
            return this;
        }

        /** The path the console is served under (default {@code /console}). */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("path: " + path + " (expected: a path such as /console)");
            }
            this.path = path;
            return this;
        }

        /** How often the instances are scraped and the page updated (default 2 s, at least 100 ms). */
        public Builder refresh(Duration refresh) {
            if (Objects.requireNonNull(refresh, "refresh").compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("refresh: " + refresh + " (expected: 100 ms or more)");
            }
            this.refresh = refresh;
            return this;
        }

        /** Over how long rates, error rates and p99s are computed (default 1 minute). */
        public Builder window(Duration window) {
            if (Objects.requireNonNull(window, "window").isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window: " + window + " (expected: a positive duration)");
            }
            this.window = window;
            return this;
        }

        /**
         * Shows the dead letters {@code group} gave up on in {@code channel}, read through
         * {@code messaging} from the dead-letter channel, and offers to replay or discard them.
         * The console holds at most {@value DeadLetterShelf#CAPACITY} per channel and group; the
         * rest stay unacknowledged on the dead-letter channel.
         */
        public Builder deadLetters(Messaging messaging, String channel, String group) {
            deadLetters.add(new DeadLetterShelf.Watch(Objects.requireNonNull(messaging, "messaging"),
                    Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(group, "group")));
            return this;
        }

        /**
         * Lets only callers with {@code role} replay or discard dead letters and try calls: each
         * action's request is authenticated by {@code authenticate} from its headers (for
         * instance {@code jwtVerifier::authenticate} or {@code apiKeys::authenticate} of
         * courier-security, which read the {@code Authorization} header or an API key), and
         * answered 401 (with {@code WWW-Authenticate: Bearer}) without credentials or with bad
         * ones, 403 without the role. The page then asks for a token and sends it as
         * {@code Authorization: Bearer}. Viewing stays open to whoever reaches the port unless
         * {@link #viewRequires} closes it.
         * Without this, the actions are open too (see the class description).
         */
        public Builder actionsRequire(Function<Metadata, Optional<Principal>> authenticate, String role) {
            Objects.requireNonNull(authenticate, "authenticate");
            if (Objects.requireNonNull(role, "role").isBlank()) {
                throw new IllegalArgumentException("role: a blank role (expected: the role an operator has, e.g. operator)");
            }
            this.guard = new ActionGuard(authenticate, role);
            return this;
        }

        /**
         * Lets only callers with {@code role} view the console: its page, its state, its event
         * stream and the contracts it shows. Each request is authenticated by {@code authenticate}
         * from its headers, as {@link #actionsRequire} does, and answered 401 (with
         * {@code WWW-Authenticate: Bearer}) without credentials or with bad ones, 403 without the
         * role; the page itself answers with a sign-in page that asks for a token and keeps it in
         * a cookie for the console's path ({@code SameSite=Strict}), which views read as
         * {@code Authorization: Bearer} (a browser cannot add a header to a page it opens or to
         * an {@code EventSource}). Actions then need view credentials too, in a header, plus the
         * role of {@link #actionsRequire} when given. Without this, viewing is open to whoever
         * reaches the port.
         */
        public Builder viewRequires(Function<Metadata, Optional<Principal>> authenticate, String role) {
            Objects.requireNonNull(authenticate, "authenticate");
            if (Objects.requireNonNull(role, "role").isBlank()) {
                throw new IllegalArgumentException("role: a blank role (expected: the role a viewer has, e.g. viewer)");
            }
            this.viewGuard = new ActionGuard(authenticate, role);
            return this;
        }

        /** The console. */
        public Console build() {
            if (discovery == null) {
                throw new IllegalStateException("Console: no discovery (expected: builder().discovery(...), the backend"
                        + " the services register with)");
            }
            if (services.isEmpty()) {
                throw new IllegalStateException("Console: no services (expected: builder().services(\"order\", ...),"
                        + " the discovery names to draw)");
            }
            return new Console(this);
        }
    }
}
