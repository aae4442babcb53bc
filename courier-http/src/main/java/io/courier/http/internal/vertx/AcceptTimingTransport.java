package io.courier.http.internal.vertx;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's NIO transport, unchanged but for one thing: a server bound while a
 * {@link FirstRequestClock} is {@linkplain FirstRequestClock#binding binding} gets that clock
 * in front of its connections, so each is timed from its accept. Vert.x's public
 * {@code HttpServer} offers no hook that runs at the accept on a port that also speaks h2c;
 * its transport is told of every server's bootstrap before the bind. Every other server, and
 * every client, is configured by the NIO transport alone.
 */
final class AcceptTimingTransport implements io.vertx.core.spi.transport.Transport {
    /** The transport to build a Vert.x with. */
    static final Transport NIO = new Transport() {
        private final AcceptTimingTransport implementation = new AcceptTimingTransport(Transport.NIO.implementation());

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

    private final io.vertx.core.spi.transport.Transport nio;

    private AcceptTimingTransport(io.vertx.core.spi.transport.Transport nio) {
        this.nio = nio;
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        nio.configure(options, domainSocket, bootstrap);
        FirstRequestClock clock = FirstRequestClock.bindingNow();
        if (clock != null && !domainSocket && !options.isSsl()) {
            clock.install(bootstrap);
        }
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
        return nio.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return nio.serverChannelFactory(domainSocket);
    }
}
