package io.courier.security;

import com.nimbusds.jwt.JWTParser;
import io.courier.CallContext;
import io.courier.Clock;
import io.courier.Interceptor;
import io.courier.Metadata;
import io.courier.UnauthenticatedException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Client interceptors that put a bearer token in a call's {@code Authorization} header, chosen
 * per client: a fixed token, a supplier asked on every call, a token refreshed before it
 * expires, or the token of the call being handled (forwarded downstream).
 *
 * <pre>{@code
 * // as the service itself, with a token from the identity provider, refreshed before it expires
 * Billing billing = courier.client(Billing.class)
 *         .interceptor(BearerToken.refreshing(idp::clientCredentialsToken, Duration.ofSeconds(30), clock))
 *         .build();
 * // on behalf of the caller: the incoming Authorization goes on to the next hop
 * Kitchen kitchen = courier.client(Kitchen.class).interceptor(BearerToken.forwardCaller()).build();
 * }</pre>
 *
 * <p>Forwarding lets the next service see the end user, but only works when that service
 * accepts the same audience; acting as the service itself is the default to prefer. Put these
 * interceptors before retries (outermost), so every attempt carries the header. Thread-safe.
 */
public final class BearerToken {
    private static final String HEADER = "authorization";

    private BearerToken() {
    }

    /** Sends {@code token} with every call. */
    public static Interceptor of(String token) {
        String value = header(token);
        return (call, next) -> next.proceed(call.withContext(call.context().withMetadata(
                call.context().metadata().withOnly(HEADER, value))));
    }

    /**
     * Asks {@code supplier} for the token on every call (it caches and refreshes as it sees
     * fit; it runs on the calling thread, so it should not block for long).
     */
    public static Interceptor from(Supplier<String> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return (call, next) -> {
            String value;
            try {
                value = header(supplier.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new UnauthenticatedException(
                        "no bearer token for " + call.method().fullName() + ": " + e));
            }
            return next.proceed(call.withContext(call.context().withMetadata(
                    call.context().metadata().withOnly(HEADER, value))));
        };
    }

    /**
     * Fetches a JWT with {@code fetch}, keeps it, and fetches a new one once it is within
     * {@code margin} of its {@code exp} by {@code clock}. The token is not verified here (the
     * server does that); its {@code exp} only says when to refresh.
     */
    public static Interceptor refreshing(Supplier<String> fetch, Duration margin, Clock clock) {
        return from(new RefreshingToken(fetch, margin, clock));
    }

    /**
     * Forwards the {@code Authorization} header of the call being handled on this thread (the
     * server's {@code CallContext.current()}); a call made outside a handled call, or from one
     * without the header, goes without, and the next service decides.
     */
    public static Interceptor forwardCaller() {
        return (call, next) -> {
            Optional<String> incoming = CallContext.current().metadata().get(HEADER);
            if (incoming.isEmpty()) {
                return next.proceed(call);
            }
            return next.proceed(call.withContext(call.context().withMetadata(
                    call.context().metadata().withOnly(HEADER, incoming.get()))));
        };
    }

    /** The token of {@code Authorization: Bearer <token>} in {@code metadata}, if it has one. */
    static Optional<String> token(Metadata metadata) {
        Optional<String> value = metadata.get(HEADER);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().trim();
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty(); // another scheme: another authenticator's business
        }
        return Optional.of(v.substring(7).trim());
    }

    private static String header(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("token: not a bearer token (expected: visible ASCII, no spaces)");
        }
        return "Bearer " + token;
    }

    /** A token kept until {@code margin} before its {@code exp}. */
    private static final class RefreshingToken implements Supplier<String> {
        private final Supplier<String> fetch;
        private final Duration margin;
        private final Clock clock;
        private String token;
        private Instant refreshAt = Instant.MIN;

        RefreshingToken(Supplier<String> fetch, Duration margin, Clock clock) {
            this.fetch = Objects.requireNonNull(fetch, "fetch");
            this.margin = Objects.requireNonNull(margin, "margin");
            this.clock = Objects.requireNonNull(clock, "clock");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("margin: " + margin + " (expected: >= 0)");
            }
        }

        @Override
        public synchronized String get() {
            Instant now = clock.instant();
            if (token == null || !now.isBefore(refreshAt)) {
                String fresh = fetch.get();
                Date exp;
                try {
                    exp = JWTParser.parse(fresh).getJWTClaimsSet().getExpirationTime();
                } catch (ParseException e) {
                    throw new IllegalStateException("fetched token: not a JWT (" + e.getMessage()
                            + "; expected: a JWT whose exp says when to refresh, or use BearerToken.from)", e);
                }
                if (exp == null) {
                    throw new IllegalStateException("fetched token: no exp claim (expected: an expiring JWT)");
                }
                token = fresh;
                refreshAt = exp.toInstant().minus(margin);
            }
            return token;
        }
    }
}
