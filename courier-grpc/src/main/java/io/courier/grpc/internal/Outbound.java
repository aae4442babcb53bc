package io.courier.grpc.internal;

import io.courier.CancelledException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcWriteStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Writes messages to a stream from a blocking (virtual) thread: each write runs on the stream's
 * event loop, and the writer waits while the stream's write queue is full, so a slow reader on
 * the other side slows the writer down instead of filling memory.
 */
final class Outbound {
    private final Context context;
    private final GrpcWriteStream<Buffer> stream;
    /** Writes one message on the event loop; throws when the stream can take no more. */
    private final Consumer<byte[]> send;

    Outbound(Context context, GrpcWriteStream<Buffer> stream) {
        this(context, stream, message -> stream.write(Buffer.buffer(message)));
    }

    /** Writes with {@code send}, run on the stream's event loop (a server's answer, watched). */
    Outbound(Context context, GrpcWriteStream<Buffer> stream, Consumer<byte[]> send) {
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
