package io.courier.grpc.internal;

import io.courier.http.internal.vertx.WriteProgress;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * A gRPC answer watched by the REST server's {@link WriteProgress}: loaded only when gRPC is
 * served on the REST port, as {@code courier-http} is optional.
 */
final class RestPortWriteWatch extends WriteProgress.Answer implements WriteWatch {
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

    /** The call's work is stopped, then what it queued dropped ({@link WriteProgress#abandon}). */
    @Override
    protected void stalled() {
        stop.run();
        WriteProgress.abandon(http);
    }
}
