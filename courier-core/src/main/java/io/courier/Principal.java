package io.courier;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who made a call, as an authenticator verified it: the subject's name, its roles and scopes,
 * and every verified claim. On the server, {@code CallContext.current().principal()} holds it
 * while the implementation runs; an unauthenticated call has none.
 *
 * <pre>{@code
 * public Order cancel(String id) {
 *     Principal who = CallContext.current().principal().orElseThrow();
 *     log.info("{} cancels {}", who.name(), id);
 * }
 * }</pre>
 *
 * <p>Immutable: the sets and the map are unmodifiable copies, and a claim value is whatever
 * the verifier parsed (strings, numbers, booleans, lists and maps of those).
 *
 * @param name   the subject: a user id, a service name, an API key's owner; never blank
 * @param roles  the roles granted (e.g. from a token's {@code roles} claim)
 * @param scopes the scopes granted (e.g. from a token's {@code scope} or {@code scp} claim)
 * @param claims the verified claims, by name; empty for credentials without claims
 */
public record Principal(String name, Set<String> roles, Set<String> scopes, Map<String, Object> claims) {
    /** Checks and copies. */
    public Principal {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a non-blank subject)");
        }
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
        // LinkedHashMap keeps the token's order for people reading logs; values may not be null.
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(claims, "claims")));
    }

    /** A principal with only a name and roles, e.g. the owner of an API key. */
    public static Principal of(String name, Set<String> roles) {
        return new Principal(name, roles, Set.of(), Map.of());
    }

    /** Whether {@link #roles()} holds {@code role}. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    /** Whether {@link #scopes()} holds {@code scope}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
