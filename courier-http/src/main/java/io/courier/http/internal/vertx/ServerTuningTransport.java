package io.courier.http.internal.vertx;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's NIO transport, unchanged for clients, with these added to each server the
 * Courier's Vert.x binds, in front of Vert.x's own handlers of every accepted connection:
 *
 * <ul>
 *   <li>{@link GatheredFlushes}: an answer a virtual thread finishes is written by a task of the
 *       connection's event loop, and Vert.x flushes every write made outside a read, so without
 *       it each answer costs a write system call of its own. With it, the answers written by the
 *       tasks of one turn of the loop share one flush (at most {@value #FLUSHES_PER_WRITE} writes
 *       wait), as those written within a read share the read's, which still goes out as the
 *       read ends.</li>
 *   <li>For a cleartext server bound while a {@link FirstRequestClock} is
 *       {@linkplain FirstRequestClock#binding binding}, that clock, so each connection's first
 *       request is timed from its accept. Vert.x's public {@code HttpServer} offers no hook that
 *       runs at the accept on a port that also speaks h2c; its transport is told of every
 *       server's bootstrap before the bind.</li>
 *   <li>On an HTTP server, the {@link StrictRequestDecoder} in place of Vert.x's HTTP/1.x
 *       request decoder, so that a request with both a length and chunks is refused.</li>
 *   <li>On an HTTP server, the {@link ContinuationLimit} of each HTTP/2 connection, which ends
 *       one whose client continues a header block with more frames than a block needs.</li>
 *   <li>On an HTTP server, each socket made known to {@link AcceptedSockets}, through which
 *       {@link FirstRequestClock} and {@link WriteProgress} find a connection's socket.</li>
 *   <li>Each client socket made known to {@link ClientSockets}, which closes the connection of a
 *       call abandoned while its request was going out without waiting for it to drain.</li>
 * </ul>
 */
final class ServerTuningTransport implements io.vertx.core.spi.transport.Transport {
    /** The transport to build a Vert.x with. */
    static final Transport NIO = new Transport() {
        private final ServerTuningTransport implementation = new ServerTuningTransport(Transport.NIO.implementation());

        @Override
        public String name() {
            return Transport.NIO.name();
        }

        @Override
        public boolean available() {
            return Transport.NIO.available();
        }

        @Override
        public Throwable unavailabilityCause() {
            return Transport.NIO.unavailabilityCause();
        }

        @Override
        public io.vertx.core.spi.transport.Transport implementation() {
            return implementation;
        }
    };

    /** Flushes that may wait for one write to the socket. */
    static final int FLUSHES_PER_WRITE = 256;

    private final io.vertx.core.spi.transport.Transport nio;

    private ServerTuningTransport(io.vertx.core.spi.transport.Transport nio) {
        this.nio = nio;
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        nio.configure(options, domainSocket, bootstrap);
        FirstRequestClock clock = FirstRequestClock.bindingNow();
        if (clock != null && !domainSocket && !options.isSsl()) {
            clock.install(bootstrap);
        }
        ChannelHandler vertx = bootstrap.config().childHandler();
        HttpServerOptions http = options instanceof HttpServerOptions h && !domainSocket ? h : null;
        bootstrap.childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new GatheredFlushes(FLUSHES_PER_WRITE), vertx);
                if (http != null) {
                    StrictRequestDecoder.install(channel.pipeline(), http);
                    ContinuationLimit.install(channel.pipeline(), http);
                    AcceptedSockets.accepted(channel);
                }
            }
        });
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
        nio.configure(options, connectTimeout, domainSocket, bootstrap);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        nio.configure(channel, options);
    }

    @Override
    public boolean supportsDomainSockets() {
        return nio.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
        return nio.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
        return nio.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return nio.unavailabilityCause();
    }

    @Override
    public java.net.SocketAddress convert(io.vertx.core.net.SocketAddress address) {
        return nio.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(java.net.SocketAddress address) {
        return nio.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return nio.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory threadFactory, int ioRatio) {
        return nio.eventLoopGroup(type, threads, threadFactory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
        return nio.datagramChannel();
    }

    @Override
    @SuppressWarnings("deprecation") // Vert.x 5.0's SPI still names Netty's InternetProtocolFamily
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
        return nio.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        return ClientSockets.tracking(nio.channelFactory(domainSocket));
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return nio.serverChannelFactory(domainSocket);
    }
}
