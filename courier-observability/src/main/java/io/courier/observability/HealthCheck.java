package io.courier.observability;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One condition {@code GET /health/ready} requires (a broker connection, a discovery
 * registration, a database), given to {@link ObservabilityRoutes.Builder#healthCheck}. A probe
 * runs every check on each request, on a virtual thread, so a check must be quick: read a state
 * the component keeps, do not call out. A check that throws counts as down, its exception named.
 *
 * <pre>{@code
 * HealthCheck broker = () -> connection.isOpen() ? HealthCheck.Health.UP
 *         : HealthCheck.Health.down("connection to " + host + " closed");
 * ObservabilityRoutes.builder().healthCheck("broker", broker).build();
 * }</pre>
 */
@FunctionalInterface
public interface HealthCheck {
    /** The state now; never null. */
    Health check();

    /** A check that is up when {@code up} is true, and down with no detail otherwise. */
    static HealthCheck of(BooleanSupplier up) {
        Objects.requireNonNull(up, "up");
        return () -> up.getAsBoolean() ? Health.UP : Health.down("");
    }

    /**
     * The answer of a check.
     *
     * @param up     whether the condition holds
     * @param detail why it does not, shown in the probe's answer (empty when up or not known)
     */
    record Health(boolean up, String detail) {
        /** Up. */
        public static final Health UP = new Health(true, "");

        /** Validates; a null detail is empty. */
        public Health {
            detail = detail == null ? "" : detail;
        }

        /** Down, for the reason given. */
        public static Health down(String detail) {
            return new Health(false, detail);
        }
    }
}
