package io.courier.http.internal;

import io.courier.http.Cors;
import java.util.Optional;

/**
 * What the REST server is configured with beyond the {@code Courier}'s transport context.
 *
 * @param cors the cross-origin policy; empty answers no preflight and adds no CORS headers
 */
public record ServerSettings(Optional<Cors> cors) {
    /** No CORS. */
    public static final ServerSettings DEFAULT = new ServerSettings(Optional.empty());
}
