package io.courier.http.internal.vertx;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets the HTTP servers of the Courier's Vert.x accepted, from the accept to the close,
 * found by their connection: Vert.x's {@link HttpConnection} does not give its socket, and what
 * Courier does below Vert.x on a connection (time its first request, close it without waiting
 * for its queue) needs it. A connection is matched with its socket by their two ends, known to
 * both. Thread-safe; the servers' transport ({@link ServerTuningTransport}) adds each socket.
 */
final class AcceptedSockets {
    private static final Map<Ends, Channel> OPEN = new ConcurrentHashMap<>();

    private AcceptedSockets() {
    }

    /** A connection's two ends, as both Netty and Vert.x name them. */
    private record Ends(String remoteHost, int remotePort, String localHost, int localPort) {
    }

    /** An HTTP server accepted {@code channel}; on its event loop. */
    static void accepted(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
                && channel.localAddress() instanceof InetSocketAddress local && local.getAddress() != null) {
            Ends ends = new Ends(remote.getAddress().getHostAddress(), remote.getPort(), local.getAddress().getHostAddress(),
                    local.getPort());
            OPEN.put(ends, channel);
            channel.closeFuture().addListener(closed -> OPEN.remove(ends, channel));
        } // else closed already
    }

    /** The socket of {@code connection}; null when it is not one of these (another Vert.x, or closed). */
    static Channel of(HttpConnection connection) {
        SocketAddress remote = connection.remoteAddress();
        SocketAddress local = connection.localAddress();
        if (remote == null || local == null || remote.hostAddress() == null || local.hostAddress() == null) {
            return null;
        }
        return OPEN.get(new Ends(remote.hostAddress(), remote.port(), local.hostAddress(), local.port()));
    }
}
