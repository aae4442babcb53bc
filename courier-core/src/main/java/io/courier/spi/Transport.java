package io.courier.spi;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A way of carrying calls (REST over HTTP, in-process, gRPC): its client side, and its server
 * side if it serves. One instance per {@code Courier}, so both sides can share resources such
 * as event loops and connection pools. Closed with the {@code Courier}.
 */
public interface Transport extends AutoCloseable {
    /** The factory's name. */
    String name();

    /** The URI schemes its client accepts as targets, e.g. {@code http} and {@code h2c}. */
    Set<String> schemes();

    /** The client side. */
    ClientTransport client();

    /** The server side, if this transport serves. */
    Optional<ServerTransport> server();

    /**
     * Called once the {@code Courier} has created all its transports, before any of them
     * serves: every one of them, this one included, in order. A transport may find another it
     * cooperates with here, e.g. to answer its calls on the other's port (gRPC on the REST
     * port). Does nothing by default.
     */
    default void peers(List<Transport> transports) {
    }

    /**
     * Called by {@code Courier.close()} on every transport before any server stops: the
     * {@code Courier} is about to drain. The servers still serve until this returns, so a
     * transport may report itself not ready here and hold the close a short while (for load
     * balancers to stop sending). Does nothing by default.
     */
    default void draining() {
    }

    /** Releases every resource; waits for nothing. */
    @Override
    void close();
}
