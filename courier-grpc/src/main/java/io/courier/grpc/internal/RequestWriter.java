package io.courier.grpc.internal;

import io.courier.CancelledException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Writes a client's request messages, each with its length prefix, to the request stream from a
 * blocking (virtual) thread: each write runs on the stream's event loop, and the writer waits
 * while the stream's write queue is full, so a server that reads slowly slows the caller's
 * request stream down instead of filling memory.
 */
final class RequestWriter {
    private final Context context;
    private final WriteStream<Buffer> stream;

    RequestWriter(Context context, WriteStream<Buffer> stream) {
        this.context = context;
        this.stream = stream;
    }

    /** One uncompressed length-prefixed message (PROTOCOL-HTTP2.md). */
    static Buffer frame(byte[] message) {
        return Buffer.buffer(FrameDecoder.PREFIX + message.length).appendByte((byte) 0).appendInt(message.length)
                .appendBytes(message);
    }

    /** Writes one message; returns once the stream can take another. */
    void write(byte[] message) {
        CompletableFuture<Void> writable = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                stream.write(frame(message));
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
