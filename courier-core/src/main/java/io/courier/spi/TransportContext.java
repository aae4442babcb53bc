package io.courier.spi;

import io.courier.Limits;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@code Courier} shares with the transports it creates.
 *
 * @param name        the {@code Courier}'s name, sent as the caller's identity
 * @param codecs      the codecs, by media type
 * @param host        the address to bind servers to
 * @param port        the port to bind to; 0 for an ephemeral one
 * @param limits      the request limits servers enforce
 * @param scheduler   a shared timer for deadlines and delays; never run blocking work on it
 * @param eventLoops  how many event-loop threads the network transports share, all together
 * @param shared      what the transports share (one Vert.x for HTTP and gRPC), closed after them
 */
public record TransportContext(String name, Codecs codecs, String host, int port, Limits limits,
                               ScheduledExecutorService scheduler, int eventLoops, SharedResources shared) {
}
