package io.courier.http.internal.vertx;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the first request of each connection a cleartext REST server accepts, from the accept:
 * a connection the server has not taken over (its {@code connectionHandler} run, which with h2c
 * on happens once the first request head has arrived, or the HTTP/2 preface) within the
 * timeout is closed, without an answer. Its timer runs on the connection's event loop, once,
 * at the timeout. Thread-safe.
 *
 * <p>The server is bound through {@link #binding(Supplier)} on a Vert.x from
 * {@link SharedVertx}, whose transport puts the clock in front of each accepted connection.
 */
public final class FirstRequestClock {
    private static final Logger log = LoggerFactory.getLogger(FirstRequestClock.class);
    /** The clock of the server being bound on this thread; Vert.x binds a cleartext server in its listen call. */
    private static final ThreadLocal<FirstRequestClock> BINDING = new ThreadLocal<>();

    private final Duration timeout;
    private final long timeoutNanos;
    private final Map<Peer, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile boolean installed;

    /**
     * A clock closing connections whose first request has not arrived within {@code timeout}.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    public FirstRequestClock(Duration timeout) {
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Runs {@code listen}, the bind of one cleartext server: that server's connections are timed by this clock. */
    public <T> T binding(Supplier<T> listen) {
        FirstRequestClock previous = BINDING.get();
        BINDING.set(this);
        try {
            return listen.get();
        } finally {
            if (previous == null) {
                BINDING.remove();
            } else {
                BINDING.set(previous);
            }
        }
    }

    /**
     * Whether a server bound through {@link #binding(Supplier)} got this clock: false when its
     * Vert.x is not {@link SharedVertx}'s, or the bind did not happen in the listen call.
     */
    public boolean installed() {
        return installed;
    }

    /** The server took {@code connection} over: its first request is no longer this clock's. */
    public void takenOver(HttpConnection connection) {
        SocketAddress remote = connection.remoteAddress();
        SocketAddress local = connection.localAddress();
        if (remote == null || local == null || remote.hostAddress() == null || local.hostAddress() == null) {
            return;
        }
        Waiting w = waiting.remove(new Peer(remote.hostAddress(), remote.port(), local.hostAddress(), local.port()));
        if (w != null) {
            w.timer.cancel(false);
        }
    }

    /** Connections accepted and not taken over yet. */
    public int waiting() {
        return waiting.size();
    }

    static FirstRequestClock bindingNow() {
        return BINDING.get();
    }

    /** Puts the clock in front of Vert.x's own initializer of each connection the bootstrap accepts. */
    void install(ServerBootstrap bootstrap) {
        ChannelHandler vertx = bootstrap.config().childHandler();
        bootstrap.childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                accepted(channel);
                channel.pipeline().addLast(vertx);
            }
        });
        installed = true;
    }

    /** On the connection's event loop, just registered. */
    private void accepted(Channel channel) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null
                || !(channel.localAddress() instanceof InetSocketAddress local) || local.getAddress() == null) {
            return; // closed already
        }
        Peer peer = new Peer(remote.getAddress().getHostAddress(), remote.getPort(), local.getAddress().getHostAddress(),
                local.getPort());
        Waiting w = new Waiting();
        w.timer = channel.eventLoop().schedule(() -> {
            if (waiting.remove(peer, w)) {
                log.debug("closing the connection from {}: its first request did not arrive within {} of the accept",
                        remote, timeout);
                channel.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        waiting.put(peer, w);
        channel.closeFuture().addListener(closed -> {
            if (waiting.remove(peer, w)) {
                w.timer.cancel(false);
            }
        });
    }

    /** A connection's two ends, as both Netty and Vert.x name them. */
    private record Peer(String remoteHost, int remotePort, String localHost, int localPort) {
    }

    private static final class Waiting {
        private ScheduledFuture<?> timer;
    }
}
