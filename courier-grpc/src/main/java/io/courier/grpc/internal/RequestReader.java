package io.courier.grpc.internal;

import io.courier.CourierException;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads a gRPC request body straight from the HTTP request, in place of Vert.x gRPC's deframer,
 * which leaves some malformed input without an answer: base64 first for gRPC-Web text, then
 * {@link FrameDecoder}. Each whole message goes to the message handler; the first error (also
 * one the message handler throws) goes to the error handler, and the rest of the body is
 * dropped. Runs on the request's event loop; not thread-safe.
 */
final class RequestReader {
    /** The {@code grpc-encoding}s a request may use, as {@code grpc-accept-encoding} lists them. */
    static final String ACCEPTED_ENCODINGS = "gzip,identity";

    private final HttpServerRequest http;
    private final FrameDecoder frames;
    private final WebTextDecoder text;
    private boolean failed;

    RequestReader(HttpServerRequest http, String encoding, int maxMessageBytes, String what) {
        this.http = http;
        this.frames = new FrameDecoder(encoding, maxMessageBytes, what);
        String type = http.getHeader("content-type");
        this.text = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/grpc-web-text")
                ? new WebTextDecoder(what) : null;
    }

    /** Whether a request with this {@code grpc-encoding} (null when absent) can be read. */
    static boolean accepts(String encoding) {
        return encoding == null || encoding.equals("identity") || encoding.equals("gzip");
    }

    void start(Consumer<byte[]> onMessage, Runnable onEnd, Consumer<CourierException> onError) {
        http.handler(chunk -> {
            if (failed) {
                return;
            }
            try {
                byte[] bytes = chunk.getBytes();
                List<byte[]> messages = frames.feed(text == null ? bytes : text.feed(bytes));
                for (byte[] m : messages) {
                    onMessage.accept(m);
                }
                if (messages.isEmpty()) {
                    // Part of a message: the demand (in messages) was not used, so ask for the rest.
                    http.fetch(1);
                }
            } catch (CourierException e) {
                fail(e, onError);
            }
        });
        http.endHandler(v -> {
            if (failed) {
                return;
            }
            try {
                if (text != null) {
                    text.end();
                }
                frames.end();
            } catch (CourierException e) {
                fail(e, onError);
                return;
            }
            onEnd.run();
        });
    }

    /** Whether the answer to this request has ended. */
    boolean answered() {
        return http.response().ended();
    }

    /** Reads no more of the request until {@link #resume}. */
    void pause() {
        http.pause();
    }

    /** Reads the request again after {@link #pause}. */
    void resume() {
        if (!http.isEnded()) {
            http.resume();
        }
    }

    /** Asks for {@code n} more chunks of a paused request. */
    void fetch(long n) {
        if (!http.isEnded()) { // a stream's consumer may ask for more after the last chunk arrived
            http.fetch(n);
        }
    }

    private void fail(CourierException error, Consumer<CourierException> onError) {
        failed = true;
        onError.accept(error);
        if (!http.isEnded()) {
            // Drop the rest of the body rather than leave a paused request holding the stream.
            http.resume();
        }
    }
}
