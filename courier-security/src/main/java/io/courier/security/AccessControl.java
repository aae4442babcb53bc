package io.courier.security;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.PermissionDeniedException;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.security.internal.AccessRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server interceptor that authenticates every call and checks the access its contract
 * declares before the implementation runs: on REST, gRPC, commands and events alike, since all
 * of them pass the same server chain.
 *
 * <pre>{@code
 * @Service
 * @RolesAllowed("clerk")                      // every method: a clerk...
 * public interface Orders {
 *     Order get(String id);
 *     @RequiresScopes("orders:write")         // ...and here instead: the scope, any role
 *     Order place(NewOrder order);
 *     @PermitAll Status status();             // anyone, even without credentials
 * }
 *
 * Courier courier = Courier.builder()
 *         .serverInterceptor(AccessControl.builder().authenticator(jwt).authenticator(apiKeys).build())
 *         .build();
 * }</pre>
 *
 * <p>The rule of a method: its own {@code @PermitAll}, {@code @DenyAll}, or
 * {@code @RolesAllowed}/{@link RequiresScopes} if it has any, else the interface's (the method
 * wins, whole). {@code @RolesAllowed} needs any one of its roles; {@code @RequiresScopes} needs
 * every scope; with both, both. A method declared nowhere is refused ({@code PERMISSION_DENIED})
 * unless the builder says {@link Builder#authenticatedByDefault()}: a forgotten annotation
 * fails closed.
 *
 * <p>Errors: no credentials, or credentials that are not valid, is
 * {@code UnauthenticatedException} (HTTP 401 with {@code WWW-Authenticate}, gRPC
 * {@code UNAUTHENTICATED}); valid credentials without the needed roles or scopes is
 * {@code PermissionDeniedException} (403, {@code PERMISSION_DENIED}). Neither says why beyond
 * that, but for a bearer token that has the role and lacks scopes: its 403 carries RFC 6750's
 * challenge ({@code WWW-Authenticate: Bearer error="insufficient_scope", scope="..."}, the
 * scopes the method needs), so that the client can ask its issuer for them. The reason is
 * logged at DEBUG. On success the handler sees the caller in
 * {@code CallContext.current().principal()}.
 *
 * <p>Put it after observability interceptors (so refusals are measured) and before any that
 * act on the call's content, such as validation. Immutable and thread-safe.
 */
public final class AccessControl implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
    private static final Executor OFF_LOOP = Executors.newVirtualThreadPerTaskExecutor();

    private final List<Authenticator> authenticators;
    private final boolean authenticatedByDefault;

    private AccessControl(List<Authenticator> authenticators, boolean authenticatedByDefault) {
        this.authenticators = authenticators;
        this.authenticatedByDefault = authenticatedByDefault;
    }

    /** A builder; at least one authenticator is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        if (Thread.currentThread().isVirtual() || !mayBlock(call)) {
            return check(call, next); // in place: a virtual thread may block, and otherwise nothing will
        }
        // An authenticator may block (a JWK Set fetch), and interceptors may run on an event loop.
        CompletableFuture<Object> out = new CompletableFuture<>();
        OFF_LOOP.execute(() -> {
            CompletableFuture<Object> inner = check(call, next);
            inner.whenComplete((v, f) -> {
                if (f == null) {
                    out.complete(v);
                } else {
                    out.completeExceptionally(f);
                }
            });
            out.whenComplete((v, f) -> {
                if (out.isCancelled()) {
                    inner.cancel(true); // the deadline or the caller gave up: so does the handler
                }
            });
        });
        return out;
    }

    private boolean mayBlock(Call call) {
        for (Authenticator a : authenticators) {
            if (a.mayBlock(call.context().metadata())) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Object> check(Call call, Next next) {
        Principal principal;
        try {
            principal = authorise(call);
        } catch (RuntimeException e) { // refusals, and an authenticator's own failure (INTERNAL)
            return CompletableFuture.failedFuture(e);
        }
        Call checked = principal == null ? call : call.withContext(call.context().withPrincipal(principal));
        return next.proceed(checked);
    }

    /** The authenticated caller (null for an anonymous call to a {@code @PermitAll} method), or a refusal. */
    private Principal authorise(Call call) {
        AccessRule rule = AccessRule.of(call.service(), call.method());
        String method = call.method().fullName();
        if (rule.kind() == AccessRule.Kind.DENY_ALL) {
            log.debug("{}: refused, @DenyAll on {}", method, rule.source());
            throw denied(method);
        }
        Authenticated authenticated = authenticate(call);
        Principal principal = authenticated == null ? null : authenticated.principal();
        if (rule.kind() == AccessRule.Kind.PERMIT_ALL) {
            return principal;
        }
        if (principal == null) {
            log.debug("{}: refused, no credentials", method);
            throw new UnauthenticatedException("authentication required",
                    Map.of(UnauthenticatedException.CHALLENGE, authenticators.getFirst().challenge()));
        }
        if (rule.kind() == AccessRule.Kind.UNDECLARED) {
            if (authenticatedByDefault) {
                return principal;
            }
            log.debug("{}: refused {}, no access declared on the method or {} (deny by default)",
                    method, principal.name(), call.service().name());
            throw denied(method);
        }
        boolean roleOk = rule.roles().isEmpty() || rule.roles().stream().anyMatch(principal::hasRole);
        boolean scopesOk = principal.scopes().containsAll(rule.scopes());
        if (!roleOk || !scopesOk) {
            log.debug("{}: refused {} (roles {}, scopes {}; {} needs any role of {} and scopes {})", method,
                    principal.name(), principal.roles(), principal.scopes(), rule.source(), rule.roles(),
                    rule.scopes());
            throw roleOk ? insufficientScope(method, authenticated.by(), rule.scopes()) : denied(method);
        }
        return principal;
    }

    /** A caller and the authenticator that recognised it. */
    private record Authenticated(Principal principal, Authenticator by) {
    }

    private Authenticated authenticate(Call call) {
        for (Authenticator a : authenticators) {
            Optional<Principal> p = a.authenticate(call.context().metadata());
            if (p.isPresent()) {
                return new Authenticated(p.get(), a);
            }
        }
        return null;
    }

    /**
     * A caller with the role but not every scope: with a bearer token, RFC 6750's challenge
     * ({@code Bearer error="insufficient_scope", scope="..."}, sent by a REST server in
     * {@code WWW-Authenticate} beside the 403), so that a client can ask its issuer for a token
     * with those scopes; with other credentials, a plain refusal.
     */
    private static PermissionDeniedException insufficientScope(String method, Authenticator by, Set<String> scopes) {
        String scheme = by.challenge();
        if (!scheme.regionMatches(true, 0, "Bearer", 0, 6)) {
            return denied(method);
        }
        String params = scheme.substring(6).strip();
        String challenge = "Bearer " + (params.isEmpty() ? "" : params + ", ") + "error=\"insufficient_scope\", scope=\""
                + String.join(" ", new java.util.TreeSet<>(scopes)) + "\"";
        return new PermissionDeniedException(method + ": permission denied (insufficient scope)",
                Map.of(UnauthenticatedException.CHALLENGE, challenge));
    }

    private static PermissionDeniedException denied(String method) {
        return new PermissionDeniedException(method + ": permission denied");
    }

    @Override
    public String toString() {
        return "AccessControl" + authenticators + (authenticatedByDefault ? " (authenticated by default)" : "");
    }

    /** Configures {@link AccessControl}. Not thread-safe. */
    public static final class Builder {
        private final List<Authenticator> authenticators = new ArrayList<>();
        private boolean authenticatedByDefault;

        private Builder() {
        }

        /** Adds an authenticator; they are asked in the order added, the first with credentials decides. */
        public Builder authenticator(Authenticator authenticator) {
            authenticators.add(Objects.requireNonNull(authenticator, "authenticator"));
            return this;
        }

        /**
         * Lets any authenticated caller call a method whose contract declares no access, instead
         * of refusing it. For services where every caller may do everything; prefer annotations.
         */
        public Builder authenticatedByDefault() {
            this.authenticatedByDefault = true;
            return this;
        }

        /** The interceptor. */
        public AccessControl build() {
            if (authenticators.isEmpty()) {
                throw new IllegalStateException("authenticators: none (expected: at least one, e.g. a JwtVerifier)");
            }
            return new AccessControl(List.copyOf(authenticators), authenticatedByDefault);
        }
    }
}
