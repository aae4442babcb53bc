package io.courier.http.internal;

import io.courier.http.internal.vertx.ClientSockets;
import io.vertx.core.http.HttpConnection;

/**
 * Closes an HTTP/1.x connection at once, dropping what it has not yet written.
 *
 * <p>Vert.x closes a connection only once everything written to it before has gone out
 * ({@code VertxConnection.writeClose}); a connection whose request body is stuck behind a
 * server that stopped reading is therefore never closed, and holds its socket and the unsent
 * bytes for as long as that server waits. Vert.x 5 has no public way to close without that
 * flush, so the connection's socket is closed below Vert.x, found among the client sockets the
 * Courier's Vert.x transport made ({@link ClientSockets}). A connection of a Vert.x made
 * otherwise gets Vert.x's close. Thread-safe: Netty runs the close on the socket's event loop.
 */
final class ConnectionAbort {
    private ConnectionAbort() {
    }

    /** Closes {@code connection} without writing what it still holds, else as Vert.x closes it. */
    static void abort(HttpConnection connection) {
        if (!ClientSockets.closeNow(connection)) {
            connection.close();
        }
    }
}
