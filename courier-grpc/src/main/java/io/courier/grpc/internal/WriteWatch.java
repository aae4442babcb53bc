package io.courier.grpc.internal;

import io.courier.http.internal.vertx.WriteProgress;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * The writes of one gRPC answer, watched by {@code courier-http}'s write timeout
 * ({@code ServerLimits.writeTimeout}) through the server's {@link WriteProgress}: an answer whose
 * bytes wait and none leave for that long is abandoned. Touched on the call's event loop only.
 */
final class WriteWatch extends WriteProgress.Answer {
    private final WriteProgress progress;
    private final HttpServerRequest http;
    private final Runnable stop;

    private WriteWatch(WriteProgress progress, HttpServerRequest http, Runnable stop) {
        this.progress = progress;
        this.http = http;
        this.stop = stop;
    }

    /**
     * The watch of the answer to {@code http}, which runs {@code stop} (on the event loop) and
     * then resets the stream (HTTP/2) or closes the connection (HTTP/1.x) when the answer stalls;
     * null when its connection is not watched (the timeout off).
     */
    static WriteWatch of(HttpServerRequest http, Runnable stop) {
        WriteProgress progress = WriteProgress.of(http.connection());
        return progress == null ? null : new WriteWatch(progress, http, stop);
    }

    /** {@code write}, of this answer, was made: from now until it completes, the answer is watched. */
    void writing(Future<Void> write) {
        writing(progress, write);
    }

    /** The call's work is stopped, then what it queued dropped ({@link WriteProgress#abandon}). */
    @Override
    protected void stalled() {
        stop.run();
        WriteProgress.abandon(http);
    }
}
