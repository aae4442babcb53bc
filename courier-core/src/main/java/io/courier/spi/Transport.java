package io.courier.spi;

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

    /** Releases every resource; waits for nothing. */
    @Override
    void close();
}
