package io.courier.http.internal;

import io.courier.CallContext;
import io.courier.CancelledException;
import io.courier.Clock;
import io.courier.CourierException;
import io.courier.DeadlineExceededException;
import io.courier.MessageSizes;
import io.courier.Scheduler;
import io.courier.contract.MethodDescriptor;
import io.courier.internal.Errors;
import io.courier.spi.Codec;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The responses of a server-streaming method as Server-Sent Events: one {@code data:} event of
 * JSON per element, the response ended when the stream ends, and a last {@code event: error}
 * holding the problem body when it fails. Runs on a virtual thread of its own; every write runs
 * on the stream's event loop, and the thread waits while the response's write queue is full, so
 * a slow reader slows the producer down as on gRPC. A peer that goes away ({@link #cancel})
 * interrupts the thread, and the implementation's stream is closed; so does a client that stops
 * reading for the write timeout ({@link ServerExchange#stalled}).
 */
final class EventStream {
    /** The media type of the answer. */
    static final String MEDIA_TYPE = "text/event-stream";

    private final Context loop;
    private final HttpServerResponse response;
    private final MethodDescriptor method;
    private final Codec json;
    /** Watches the writes for progress. */
    private final ServerExchange exchange;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Thread streamer;
    private volatile boolean cancelled;

    EventStream(Context loop, HttpServerResponse response, MethodDescriptor method, Codec json, ServerExchange exchange) {
        this.loop = loop;
        this.exchange = exchange;
        this.response = response;
        this.method = method;
        this.json = json;
    }

    /** Whether {@code accept} (absent means anything) admits {@code text/event-stream}. */
    static boolean accepted(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals(MEDIA_TYPE) && !type.equals("text/*") && !type.equals("*/*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(p.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    /** The headers of an event stream's answer, put on {@code response}. */
    static HttpServerResponse head(HttpServerResponse response) {
        return response.putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                // Each event goes out as written, not held in a deflater's window.
                .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }

    /** Sends {@code elements}; blocks the calling (virtual) thread until the stream ends or is cancelled. */
    void run(Stream<?> elements, CallContext context, Clock clock) {
        Thread.interrupted(); // a pooled thread's old interrupt is not this stream's
        streamer = Thread.currentThread();
        if (cancelled) {
            closeQuietly(elements);
            return;
        }
        Scheduler.Task timer = context.deadline().map(d -> d.runOnExpiration(() -> {
            if (fail(new DeadlineExceededException(method.fullName() + ": deadline exceeded while streaming"))) {
                interrupt();
            }
        }, clock)).orElse(null);
        try (elements) {
            loop.runOnContext(v -> {
                if (!cancelled && !response.closed()) {
                    head(response.setStatusCode(200).setChunked(true)).writeHead();
                }
            });
            MessageSizes sizes = context.sizes().orElse(null);
            context.run(() -> {
                Iterator<?> it = elements.iterator();
                while (!finished.get() && it.hasNext()) {
                    byte[] data = json.encode(it.next(), method.resultType());
                    if (sizes != null) {
                        sizes.response(data.length); // each event's data, as gRPC reports each message of a stream
                    }
                    write(event(null, data));
                }
            });
            if (finished.compareAndSet(false, true)) {
                loop.runOnContext(v -> {
                    if (!cancelled && !response.closed()) {
                        exchange.eventWritten(response.end());
                    }
                });
            }
        } catch (RuntimeException e) {
            fail(cancelled || finished.get() ? new CancelledException(method.fullName() + " was cancelled")
                    : Errors.fromServer(e, method));
        } finally {
            if (timer != null) {
                timer.cancel();
            }
            streamer = null;
            Thread.interrupted(); // a late interrupt must not leak into the next task of this thread
        }
    }

    /** The peer went away: stop the producer; nothing more is written. */
    void cancel() {
        cancelled = true;
        finished.set(true);
        interrupt();
    }

    /** Ends the stream with an {@code error} event holding {@code error}'s problem body; false if it had ended. */
    private boolean fail(CourierException error) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        byte[] problem = ServerExchange.problem(error, ServerExchange.httpStatus(error));
        loop.runOnContext(v -> {
            if (!cancelled && !response.closed()) {
                exchange.eventWritten(response.end(event("error", problem)));
            }
        });
        return true;
    }

    private void interrupt() {
        Thread t = streamer;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Writes one event; returns once the response can take another. */
    private void write(Buffer event) {
        CompletableFuture<Void> writable = new CompletableFuture<>();
        loop.runOnContext(v -> {
            if (cancelled || response.closed()) {
                writable.completeExceptionally(new CancelledException("the client went away"));
                return;
            }
            try {
                exchange.eventWritten(response.write(event));
                if (response.writeQueueFull()) {
                    response.drainHandler(d -> writable.complete(null));
                } else {
                    writable.complete(null);
                }
            } catch (RuntimeException e) {
                writable.completeExceptionally(e);
            }
        });
        try {
            writable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(method.fullName() + ": stream cancelled while writing");
        } catch (ExecutionException e) {
            throw new CancelledException(method.fullName() + ": stream closed while writing: " + e.getCause().getMessage());
        }
    }

    /** One event: its type if not the default, and {@code data} one {@code data:} line per line. */
    static Buffer event(String type, byte[] data) {
        Buffer b = Buffer.buffer(data.length + 16);
        if (type != null) {
            b.appendString("event: ").appendString(type).appendString("\n");
        }
        String text = new String(data, StandardCharsets.UTF_8);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            b.appendString("data: ").appendString(line, "UTF-8").appendString("\n");
        }
        return b.appendString("\n");
    }

    static void closeQuietly(Stream<?> elements) {
        if (elements == null) {
            return;
        }
        try {
            elements.close();
        } catch (RuntimeException ignored) {
            // the call is over; its stream's close failure has nobody to tell
        }
    }
}
