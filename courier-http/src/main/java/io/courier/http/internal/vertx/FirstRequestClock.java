package io.courier.http.internal.vertx;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import java.net.SocketAddress;
import java.time.Duration;
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
    /** The timer of a connection accepted and not yet taken over. */
    private static final AttributeKey<ScheduledFuture<?>> TIMER = AttributeKey.valueOf("courier.firstRequestTimer");
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
        Channel channel = AcceptedSockets.of(connection);
        ScheduledFuture<?> timer = channel == null ? null : channel.attr(TIMER).getAndSet(null);
        if (timer != null) {
            timer.cancel(false);
        }
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
        SocketAddress remote = channel.remoteAddress();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (channel.attr(TIMER).getAndSet(null) != null) {
                log.debug("closing the connection from {}: its first request did not arrive within {} of the accept",
                        remote, timeout);
                channel.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        channel.attr(TIMER).set(timer);
        channel.closeFuture().addListener(closed -> {
            ScheduledFuture<?> left = channel.attr(TIMER).getAndSet(null);
            if (left != null) {
                left.cancel(false);
            }
        });
    }
}
