package io.courier.http;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which browser pages of other origins may call a server (Cross-Origin Resource Sharing), for
 * its REST routes and for gRPC-Web on the same port. Immutable and thread-safe; built with
 * {@link #builder()} and handed to {@link HttpTransportFactory.Builder#cors(Cors)}:
 *
 * <pre>{@code
 * Cors cors = Cors.builder().allowOrigin("https://shop.example").maxAge(Duration.ofHours(1)).build();
 * Courier courier = Courier.builder()
 *         .transport(HttpTransportFactory.builder().cors(cors).build())
 *         .transport(new GrpcTransportFactory())
 *         .build();
 * }</pre>
 *
 * @param allowedOrigins   origins allowed, exactly as browsers send them ({@code https://host:port}),
 *                         or the single entry {@code *} for any
 * @param allowedMethods   methods a preflight may ask for
 * @param allowedHeaders   request headers a preflight may ask for, lower case
 * @param exposedHeaders   response headers scripts may read besides the safelisted ones
 * @param maxAge           how long a browser may cache a preflight's answer
 * @param allowCredentials whether cookies and authorization travel (never with any origin)
 */
public record Cors(Set<String> allowedOrigins, Set<String> allowedMethods, Set<String> allowedHeaders,
                   Set<String> exposedHeaders, Duration maxAge, boolean allowCredentials) {
    /** The entry of {@link #allowedOrigins()} meaning any origin. */
    public static final String ANY_ORIGIN = "*";

    public Cors {
        allowedOrigins = Set.copyOf(allowedOrigins);
        allowedMethods = Set.copyOf(allowedMethods);
        allowedHeaders = lower(allowedHeaders);
        exposedHeaders = lower(exposedHeaders);
        Objects.requireNonNull(maxAge, "maxAge");
        if (allowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("allowedOrigins: none (expected: at least one origin, or *)");
        }
        if (allowedOrigins.contains(ANY_ORIGIN) && allowedOrigins.size() > 1) {
            throw new IllegalArgumentException("allowedOrigins: " + allowedOrigins + " (expected: * alone, or origins)");
        }
        if (allowCredentials && allowedOrigins.contains(ANY_ORIGIN)) {
            throw new IllegalArgumentException("allowCredentials: true with any origin (expected: a list of origins;"
                    + " browsers refuse credentials with *)");
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: >= 0)");
        }
        for (String origin : allowedOrigins) {
            if (!origin.equals(ANY_ORIGIN) && (origin.endsWith("/") || !origin.contains("://"))) {
                throw new IllegalArgumentException("allowedOrigins: \"" + origin
                        + "\" (expected: scheme://host[:port], no path, as browsers send Origin)");
            }
        }
    }

    /** A builder: no origin yet; the usual methods, Courier's and gRPC-Web's request headers, {@code grpc-status} and {@code grpc-message} exposed, ten minutes. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether pages of {@code origin} may call. */
    public boolean allows(String origin) {
        return allowedOrigins.contains(ANY_ORIGIN) || allowedOrigins.contains(origin);
    }

    private static Set<String> lower(Set<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            out.add(n.trim().toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    /** Builds a {@link Cors}; not thread-safe. */
    public static final class Builder {
        private final Set<String> origins = new LinkedHashSet<>();
        private final Set<String> methods = new LinkedHashSet<>(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
        private final Set<String> headers = new LinkedHashSet<>(List.of("content-type", "accept", "courier-timeout",
                "grpc-timeout", "x-grpc-web", "x-user-agent"));
        private final Set<String> exposed = new LinkedHashSet<>(List.of("grpc-status", "grpc-message"));
        private Duration maxAge = Duration.ofMinutes(10);
        private boolean credentials;

        private Builder() {
        }

        /** Allows {@code origin}, or any with {@code *}. */
        public Builder allowOrigin(String origin) {
            origins.add(Objects.requireNonNull(origin, "origin"));
            return this;
        }

        /** Replaces the methods a preflight may ask for. */
        public Builder allowMethods(String... methods) {
            this.methods.clear();
            this.methods.addAll(List.of(methods));
            return this;
        }

        /** Adds request headers a preflight may ask for. */
        public Builder allowHeaders(String... headers) {
            this.headers.addAll(List.of(headers));
            return this;
        }

        /** Adds response headers scripts may read. */
        public Builder exposeHeaders(String... headers) {
            this.exposed.addAll(List.of(headers));
            return this;
        }

        /** How long a preflight answer may be cached (default ten minutes). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /** Whether credentials travel (default false). */
        public Builder allowCredentials(boolean allow) {
            this.credentials = allow;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming what is inconsistent. */
        public Cors build() {
            return new Cors(origins, methods, headers, exposed, maxAge, credentials);
        }
    }
}
