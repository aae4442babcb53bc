package io.courier.http.internal;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The event loops the REST client starts its calls on: each endpoint ({@code host:port}) has one
 * (endpoints may share one), and every call to it asks Vert.x's pool for a connection from there. So the pool of an
 * endpoint is worked by its loop, which is also the loop of each of its connections:
 * a new connection's connect handler ({@link HttpClientTransport}'s exception handler) is set in
 * the same turn of the loop that opens the socket, before the loop can read anything from it.
 * Asked for from another thread, Vert.x's pool opens the socket, and the loop may connect and
 * read a reset before that thread comes back to set the handler; Vert.x then logs the reset as
 * an ERROR of its own and the closed connection as a WARN ("Connection evicted"). The one case
 * left: Vert.x's pool cleaner, a timer on a loop of its own once a second, also works each pool,
 * and would run an acquire that arrives in the microseconds it holds the pool. The cost: one
 * server's calls share one loop. Thread-safe.
 */
final class ClientLoops {
    private final Context[] loops;

    /** {@code count} event-loop contexts of {@code vertx}, over its loops in turn. */
    ClientLoops(Vertx vertx, int count) {
        List<Future<Context>> made = new ArrayList<>();
        // A thread that is not Vert.x's gets a new event-loop context on the group's next loop;
        // one thread would get the same loop each time, so each context has a thread of its own.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.max(1, count); i++) {
                made.add(threads.submit(vertx::getOrCreateContext));
            }
        }
        loops = made.stream().map(ClientLoops::done).toArray(Context[]::new);
    }

    /** The loop that starts every call to {@code host:port}. */
    Context of(String host, int port) {
        return loops[Math.floorMod(host.hashCode() * 31 + port, loops.length)];
    }

    private static Context done(Future<Context> made) {
        try {
            return made.get(); // done: closing the executor waited for every thread
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("REST client: no event loop to call from", e);
        }
    }
}
