package io.courier.console.internal;

import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The open event streams of the console's page ({@code api/events}), and the state sent to each.
 * Every event is the whole state, so a viewer that does not read what was sent (its connection's
 * write queue is full) misses the states sent meanwhile and reads the latest once it reads
 * again: what is held for a viewer is bounded by the write queue, not by how long it stalls.
 * Thread-safe.
 */
final class StateStreams {
    private final Set<HttpServerResponse> streams = new CopyOnWriteArraySet<>();

    /** Opens the event stream of {@code response} with {@code first}, and sends it the states after. */
    void open(HttpServerResponse response, String first) {
        response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
        response.write(first);
    }

    /**
     * Sends {@code event} to every stream whose viewer reads; returns how many were passed over
     * because their write queue was full.
     */
    int send(String event) {
        int skipped = 0;
        for (HttpServerResponse r : streams) {
            if (r.writeQueueFull()) {
                skipped++;
                continue;
            }
            r.write(event).onFailure(e -> streams.remove(r));
        }
        return skipped;
    }

    /** How many streams are open. */
    int size() {
        return streams.size();
    }

    /** Ends every stream. */
    void close() {
        streams.forEach(r -> r.end().onFailure(e -> { }));
        streams.clear();
    }
}
