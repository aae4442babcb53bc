package io.courier.spi;

import io.courier.Clock;
import io.courier.Limits;
import io.courier.Tls;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code Courier} shares with the transports it creates.
 *
 * @param name        the {@code Courier}'s name, sent as the caller's identity
 * @param codecs      the codecs, by media type
 * @param host        the address to bind servers to
 * @param port        the port to bind to; 0 for an ephemeral one
 * @param limits      the request limits servers enforce
 * @param clock       the time of the {@code Courier}: read it and set timers (deadlines, delays) on it;
 *                    never run blocking work on its timer
 * @param eventLoops  how many event-loop threads the network transports share, all together
 * @param shared      what the transports share (one Vert.x for HTTP and gRPC), closed after them
 * @param tls         TLS for servers and for clients of TLS targets; empty serves in plaintext
 */
public record TransportContext(String name, Codecs codecs, String host, int port, Limits limits,
                               Clock clock, int eventLoops, SharedResources shared, Optional<Tls> tls) {
    public TransportContext {
        Objects.requireNonNull(tls, "tls");
    }

    /** A context without TLS. */
    public TransportContext(String name, Codecs codecs, String host, int port, Limits limits, Clock clock,
                            int eventLoops, SharedResources shared) {
        this(name, codecs, host, port, limits, clock, eventLoops, shared, Optional.empty());
    }
}
