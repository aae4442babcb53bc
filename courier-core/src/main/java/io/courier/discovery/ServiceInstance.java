package io.courier.discovery;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One running instance of a service as a registry knows it: the service's name, an id unique
 * among that service's instances, the URIs it serves at (one per transport, e.g.
 * {@code http://10.0.0.7:8080}), free-form metadata ({@code version}, {@code zone},
 * {@code weight} are the ones Courier reads) and its health. Immutable.
 *
 * <pre>{@code
 * ServiceInstance i = ServiceInstance.of("inventory", "inventory-1", List.of(URI.create("http://127.0.0.1:8080")))
 *     .withMetadata(Map.of("zone", "eu-1", "weight", "200"));
 * }</pre>
 *
 * @param service  the service's name, as in {@code @Service}
 * @param id       unique among the service's instances; letters, digits, {@code . _ -}
 * @param uris     where it serves, in order of preference
 * @param metadata free-form keys and values
 * @param health   whether it takes new calls
 */
public record ServiceInstance(String service, String id, List<URI> uris, Map<String, String> metadata,
                              Health health) {
    /** Metadata key of the zone (region, rack, availability zone) the instance runs in. */
    public static final String ZONE = "zone";
    /** Metadata key of the relative weight for weighted balancing (a positive integer, default 100). */
    public static final String WEIGHT = "weight";
    /** Metadata key of the instance's version. */
    public static final String VERSION = "version";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    /** Whether an instance takes new calls. */
    public enum Health {
        /** Takes calls. */
        UP,
        /** Finishing the calls it has and refusing new ones: closing. */
        DRAINING,
        /** Registered but not taking calls. */
        DOWN
    }

    /** Validates and copies; names may use letters, digits, {@code .}, {@code _} and {@code -}. */
    public ServiceInstance {
        requireName("service", service);
        requireName("id", id);
        uris = List.copyOf(Objects.requireNonNull(uris, "uris"));
        for (URI u : uris) {
            if (u.getScheme() == null) {
                throw new IllegalArgumentException("uris: " + u + " (expected: absolute URIs such as http://host:port)");
            }
        }
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        Objects.requireNonNull(health, "health");
    }

    /** An instance that is up, without metadata. */
    public static ServiceInstance of(String service, String id, List<URI> uris) {
        return new ServiceInstance(service, id, uris, Map.of(), Health.UP);
    }

    /** A copy with other health. */
    public ServiceInstance withHealth(Health health) {
        return new ServiceInstance(service, id, uris, metadata, health);
    }

    /** A copy with other metadata. */
    public ServiceInstance withMetadata(Map<String, String> metadata) {
        return new ServiceInstance(service, id, uris, metadata, health);
    }

    /** The zone from the metadata, empty if none. */
    public String zone() {
        return metadata.getOrDefault(ZONE, "");
    }

    /** The weight from the metadata: 100 when absent or not a positive integer. */
    public int weight() {
        try {
            int w = Integer.parseInt(metadata.getOrDefault(WEIGHT, "100"));
            return w > 0 ? w : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** The version from the metadata, empty if none. */
    public String version() {
        return metadata.getOrDefault(VERSION, "");
    }

    /** Whether {@code name} is a valid service name or instance id. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requireName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!isValidName(value)) {
            throw new IllegalArgumentException(what + ": \"" + value
                    + "\" (expected: 1 to 200 letters, digits, '.', '_' or '-')");
        }
    }
}
