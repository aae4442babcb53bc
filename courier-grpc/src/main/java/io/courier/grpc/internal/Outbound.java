package io.courier.grpc.internal;

import io.courier.CancelledException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Writes messages to a stream from a blocking (virtual) thread: each write runs on the stream's
 * event loop, and the writer waits while the stream's write queue is full, so a slow reader on
 * the other side slows the writer down instead of filling memory. A server's streamed answer
 * and a client's streamed request both go through one.
 */
final class Outbound {
    private final Context context;
    private final WriteStream<Buffer> stream;
    /** Writes one message to {@link #stream} on the event loop; throws when the stream can take no more. */
    private final Consumer<byte[]> send;

    /** Writes with {@code send}, run on the stream's event loop, waiting on {@code stream}'s queue. */
    Outbound(Context context, WriteStream<Buffer> stream, Consumer<byte[]> send) {
        this.context = context;
        this.stream = stream;
        this.send = send;
    }

    /** Writes one message; returns once the stream can take another. */
    void write(byte[] message) {
        CompletableFuture<Void> writable = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                send.accept(message);
                if (stream.writeQueueFull()) {
                    stream.drainHandler(d -> writable.complete(null));
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
            throw new CancelledException("stream cancelled while writing");
        } catch (ExecutionException e) {
            throw new CancelledException("stream closed while writing: " + e.getCause().getMessage());
        }
    }
}
