package io.courier.grpc.internal;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * The writes of one gRPC answer on the REST port, watched by {@code courier-http}'s write
 * timeout ({@code ServerLimits.writeTimeout}): an answer whose bytes wait and none leave for
 * that long is abandoned. Touched on the call's event loop only.
 */
interface WriteWatch {
    /** {@code write}, of this answer, was made: from now until it completes, the answer is watched. */
    void writing(Future<Void> write);

    /**
     * The watch of the answer to {@code http}, which runs {@code stop} (on the event loop) and
     * then resets the stream (HTTP/2) or closes the connection (HTTP/1.x) when the answer stalls;
     * null when its connection is not watched (the timeout off). Called only when gRPC is served
     * on the REST port, so only with {@code courier-http} present.
     */
    static WriteWatch of(HttpServerRequest http, Runnable stop) {
        return RestPortWriteWatch.of(http, stop);
    }
}
