package io.courier.grpc.internal;

import io.courier.CancelledException;
import io.courier.CourierException;
import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Messages arriving on a stream, handed to a blocking reader as a {@link Stream}: the reader
 * (a virtual thread) waits in {@code next()}, and the transport asks the peer for more only as
 * the reader takes them, so a slow reader slows the sender (HTTP/2 flow control does the rest).
 * Closing the stream early cancels the call. Messages are decoded on the reader's thread.
 */
final class Inbound {
    /** Messages asked for ahead of the reader. */
    static final int WINDOW = 16;

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Function<byte[], Object> decoder;
    private final Runnable onCancel;
    private volatile LongConsumer fetcher;
    private int taken;
    private boolean done;

    Inbound(Function<byte[], Object> decoder, Runnable onCancel) {
        this.decoder = decoder;
        this.onCancel = onCancel;
    }

    /** Where to ask for more messages once the peer's stream is there; it starts with {@link #WINDOW}. */
    void attach(LongConsumer fetcher) {
        this.fetcher = fetcher;
        fetcher.accept(WINDOW);
    }

    void push(Buffer message) {
        push(message.getBytes());
    }

    void push(byte[] message) {
        queue.add(message);
    }

    void end() {
        queue.add(END);
    }

    void fail(CourierException error) {
        queue.add(error);
    }

    Stream<Object> stream() {
        Iterator<Object> it = new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = take();
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object value = next;
                next = null;
                return value == NULL ? null : value;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
                .onClose(() -> {
                    if (!done) {
                        done = true;
                        onCancel.run();
                    }
                });
    }

    private static final Object NULL = new Object();

    /** The next decoded message, or null at the end. */
    private Object take() {
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = true;
            onCancel.run();
            throw new CancelledException("stream cancelled: the reading thread was interrupted");
        }
        if (item == END) {
            done = true;
            return null;
        }
        if (item instanceof CourierException error) {
            done = true;
            throw CourierException.of(error.status(), error.getMessage(), error.details(), error.retrySafe());
        }
        if (++taken >= WINDOW / 2) {
            LongConsumer f = fetcher;
            if (f != null) {
                f.accept(taken);
            }
            taken = 0;
        }
        Object value = decoder.apply((byte[]) item);
        return value == null ? NULL : value;
    }
}
