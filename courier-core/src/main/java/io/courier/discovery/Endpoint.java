package io.courier.discovery;

import java.net.URI;
import java.util.Objects;

/**
 * One place a call can go: an instance and the URI of it that this client will use.
 * Immutable; equal when the URIs are equal.
 *
 * @param uri      where the call goes, e.g. {@code http://10.0.0.7:8080}
 * @param instance the instance serving at it
 */
public record Endpoint(URI uri, ServiceInstance instance) {
    /** Checks for nulls. */
    public Endpoint {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(instance, "instance");
    }

    /** The instance's zone, empty if none. */
    public String zone() {
        return instance.zone();
    }

    /** The instance's weight (default 100). */
    public int weight() {
        return instance.weight();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.uri.equals(uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
