package io.courier.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.x connection at once, dropping what it has not yet written.
 *
 * <p>Vert.x closes a connection only once everything written to it before has gone out
 * ({@code VertxConnection.writeClose}); a connection whose request body is stuck behind a
 * server that stopped reading is therefore never closed, and holds its socket and the unsent
 * bytes for as long as that server waits. Vert.x 5 has no public way to close without that
 * flush, so this closes the connection's Netty channel below Vert.x's handler, found through
 * {@code ConnectionBase.channelHandlerContext()}: public, but in a package {@code io.vertx.core}
 * does not export. On the class path that works; where the module system refuses it (Courier
 * and Vert.x on the module path), the connection gets Vert.x's close, and a server that never
 * reads keeps it open. Thread-safe: Netty runs the close on the channel's event loop.
 */
final class ConnectionAbort {
    private static final Logger log = LoggerFactory.getLogger(ConnectionAbort.class);
    /** {@code ConnectionBase.channelHandlerContext()}, or null where it cannot be called. */
    private static final MethodHandle CHANNEL = channelHandlerContext();

    private ConnectionAbort() {
    }

    /** Closes {@code connection} without writing what it still holds, else as Vert.x closes it. */
    static void abort(HttpConnection connection) {
        if (CHANNEL != null) {
            try {
                ((ChannelHandlerContext) CHANNEL.invoke(connection)).close();
                return;
            } catch (Throwable notAVertxConnection) {
                // falls back to Vert.x's close
            }
        }
        connection.close();
    }

    private static MethodHandle channelHandlerContext() {
        try {
            Class<?> base = Class.forName("io.vertx.core.net.impl.ConnectionBase", false,
                    HttpConnection.class.getClassLoader());
            return MethodHandles.publicLookup().findVirtual(base, "channelHandlerContext",
                    MethodType.methodType(ChannelHandlerContext.class)).asType(
                    MethodType.methodType(ChannelHandlerContext.class, HttpConnection.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError refused) {
            log.debug("HTTP/1.x connections of abandoned calls are closed after a flush ({})", refused.toString());
            return null;
        }
    }
}
