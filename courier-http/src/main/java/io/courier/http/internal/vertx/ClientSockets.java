package io.courier.http.internal.vertx;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client sockets of the Courier's Vert.x, made through its transport
 * ({@link ServerTuningTransport#channelFactory}), so that one can be closed at once: Vert.x closes
 * a connection only once what was written to it has gone out, which a server that stopped
 * reading never lets happen. Each socket is known from its making to its close; finding one by
 * its connection's two addresses looks through the open ones (a rare act: a call abandoned while
 * its request was going out). Thread-safe.
 */
public final class ClientSockets {
    private static final Set<Channel> OPEN = ConcurrentHashMap.newKeySet();

    private ClientSockets() {
    }

    /** {@code factory}, with each channel it makes known until it closes. */
    static ChannelFactory<? extends Channel> tracking(ChannelFactory<? extends Channel> factory) {
        return () -> {
            Channel channel = factory.newChannel();
            OPEN.add(channel);
            channel.closeFuture().addListener(closed -> OPEN.remove(channel));
            return channel;
        };
    }

    /**
     * Closes {@code connection} now, dropping what it has not yet written: Vert.x closes a
     * connection only once everything written to it has gone out, which a server that stopped
     * reading never lets happen. A connection of a Vert.x made otherwise (its socket not one of
     * these) gets Vert.x's close. Thread-safe: Netty runs the close on the socket's event loop.
     */
    public static void closeNow(HttpConnection connection) {
        io.vertx.core.net.SocketAddress local = connection.localAddress();
        io.vertx.core.net.SocketAddress remote = connection.remoteAddress();
        if (local != null && remote != null) {
            for (Channel channel : OPEN) {
                if (same(channel.localAddress(), local) && same(channel.remoteAddress(), remote)) {
                    closeAtOnce(channel);
                    return;
                }
            }
        }
        connection.close();
    }

    /**
     * Closes {@code channel} from the head of its pipeline, dropping what it has not written: a
     * close sent from its tail would pass Vert.x's handler, which holds it until what was written
     * has gone out. Used for client sockets here and server ones by {@link WriteProgress}.
     */
    static void closeAtOnce(Channel channel) {
        ChannelHandlerContext first = channel.pipeline().firstContext();
        if (first != null) {
            first.close();
        } else {
            channel.close();
        }
    }

    private static boolean same(java.net.SocketAddress socket, io.vertx.core.net.SocketAddress vertx) {
        return socket instanceof InetSocketAddress inet && inet.getPort() == vertx.port() && inet.getAddress() != null
                && inet.getAddress().getHostAddress().equals(vertx.hostAddress());
    }
}
