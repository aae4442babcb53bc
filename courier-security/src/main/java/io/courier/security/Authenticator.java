package io.courier.security;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import java.util.Optional;

/**
 * Turns a call's credentials into a {@link Principal}: {@link JwtVerifier} for bearer tokens,
 * {@link ApiKeys} for API keys, or your own. {@link AccessControl} asks its authenticators in
 * order; the first that finds credentials of its kind decides.
 *
 * <p>Implementations must be thread-safe. They may block (fetching keys): {@link AccessControl}
 * calls them off the event loop unless every one of them says, by {@link #mayBlock}, that it
 * will not block for the call at hand.
 */
public interface Authenticator {
    /**
     * The principal the credentials in {@code metadata} prove; empty when the call carries no
     * credentials of this kind.
     *
     * @throws UnauthenticatedException when credentials of this kind are present but not valid;
     *         its message and details reach the caller, so they must not say why (log that at
     *         DEBUG instead)
     */
    Optional<Principal> authenticate(Metadata metadata);

    /**
     * The challenge a REST server sends in {@code WWW-Authenticate} when a call lacks
     * credentials, e.g. {@code Bearer}.
     */
    default String challenge() {
        return "Bearer";
    }

    /**
     * Whether {@link #authenticate} may block for the credentials in {@code metadata} now (fetch
     * keys, call a service). When no authenticator of an {@link AccessControl} may block, it
     * checks a call in place, on the event loop if that is where the call is, and saves a thread
     * hop. It must itself be fast and never block. The default, {@code true}, is always safe.
     */
    default boolean mayBlock(Metadata metadata) {
        return true;
    }
}
