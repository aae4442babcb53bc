package io.courier.grpc.internal;

import io.courier.http.internal.vertx.WriteProgress;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * A gRPC answer watched by the REST server's {@link WriteProgress}: loaded only when gRPC is
 * served on the REST port, as {@code courier-http} is optional.
 */
final class RestPortWriteWatch extends WriteProgress.Answer implements WriteWatch {
    /** HTTP/2's CANCEL, what a stream abandoned by the server is reset with. */
    private static final long CANCEL = 8;

    private final WriteProgress progress;
    private final HttpServerRequest http;
    private final Runnable stop;

    private RestPortWriteWatch(WriteProgress progress, HttpServerRequest http, Runnable stop) {
        this.progress = progress;
        this.http = http;
        this.stop = stop;
    }

    static WriteWatch of(HttpServerRequest http, Runnable stop) {
        WriteProgress progress = WriteProgress.of(http.connection());
        return progress == null ? null : new RestPortWriteWatch(progress, http, stop);
    }

    @Override
    public void writing(Future<Void> write) {
        writing(progress, write);
    }

    /**
     * The call's work is stopped, then what it queued dropped: its stream reset with CANCEL, or,
     * over HTTP/1.x (gRPC-Web), where nothing else ends one answer, its connection closed. Vert.x
     * resets only a stream whose end it still holds; an answer it handed whole to the HTTP/2 layer
     * goes with its connection.
     */
    @Override
    protected void stalled() {
        stop.run();
        if (http.version() == HttpVersion.HTTP_2) {
            http.response().reset(CANCEL).onFailure(failure -> WriteProgress.closeNow(http.connection()));
        } else {
            WriteProgress.closeNow(http.connection());
        }
    }
}
