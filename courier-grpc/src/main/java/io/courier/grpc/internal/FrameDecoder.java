package io.courier.grpc.internal;

import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.ResourceExhaustedException;
import io.courier.spi.WireText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Cuts a gRPC request body into its messages (PROTOCOL-HTTP2.md, Length-Prefixed-Message): a
 * flags byte (bit 0: compressed, the others reserved), a 4-byte big-endian length, the message.
 * Every malformed input is a typed error with the status grpc-java's server gives it:
 * {@code RESOURCE_EXHAUSTED} for a message (declared or inflated) over the limit, {@code INTERNAL}
 * for reserved flag bits, a compressed message without a compressing {@code grpc-encoding}, a
 * body that is not gzip, or a body that ends inside a frame. Not thread-safe: one per stream,
 * fed on its event loop.
 */
final class FrameDecoder {
    static final int PREFIX = 5;
    private static final byte[] EMPTY = new byte[0];

    private final String encoding;
    private final String declared;
    private final int maxMessageBytes;
    private final String what;
    /** Whose limit {@link #maxMessageBytes} is, as errors name it. */
    private final String limit;
    private byte[] pending = EMPTY;
    private int length;

    /**
     * @param encoding the request's {@code grpc-encoding}: null, {@code identity} or {@code gzip}
     * @param maxMessageBytes the largest message accepted, before and after inflating
     * @param what names the messages in errors, e.g. {@code "request message of Greeter.sayHello"}
     */
    FrameDecoder(String encoding, int maxMessageBytes, String what) {
        this(encoding, maxMessageBytes, what, "the server's maxBodyBytes");
    }

    /**
     * @param limit whose limit {@code maxMessageBytes} is, e.g. {@code "the client's maxBodyBytes"}
     */
    FrameDecoder(String encoding, int maxMessageBytes, String what, String limit) {
        this.encoding = encoding == null ? "identity" : encoding;
        // Bounded: the peer chose it, and it goes into an error message.
        this.declared = encoding == null ? "absent" : WireText.bounded(encoding, 64);
        this.maxMessageBytes = maxMessageBytes;
        this.what = what;
        this.limit = limit;
    }

    /** The messages that {@code chunk} completes, in order; what is left of a frame waits for more. */
    List<byte[]> feed(byte[] chunk) {
        if (length == 0) {
            // Nothing pending (the usual case: a whole small message in one chunk): cut the
            // messages from the chunk itself, keeping only an incomplete tail.
            List<byte[]> messages = new ArrayList<>(1);
            int at = cut(chunk, chunk.length, messages);
            if (at < chunk.length) {
                append(chunk, at, chunk.length - at);
            }
            return messages;
        }
        append(chunk, 0, chunk.length);
        List<byte[]> messages = new ArrayList<>(1);
        int at = cut(pending, length, messages);
        if (at > 0) {
            System.arraycopy(pending, at, pending, 0, length - at);
            length -= at;
        }
        return messages;
    }

    /** Adds the whole messages in {@code bytes[0, end)} to {@code messages}; returns where the first incomplete one starts. */
    private int cut(byte[] bytes, int end, List<byte[]> messages) {
        int at = 0;
        while (end - at >= PREFIX) {
            int flags = bytes[at] & 0xFF;
            long size = ((bytes[at + 1] & 0xFFL) << 24) | ((bytes[at + 2] & 0xFFL) << 16)
                    | ((bytes[at + 3] & 0xFFL) << 8) | (bytes[at + 4] & 0xFFL);
            if ((flags & 0xFE) != 0) {
                throw new InternalException(what + ": frame flags 0x" + Integer.toHexString(flags)
                        + " (expected: 0 or 1, the other bits are reserved)");
            }
            if (size > maxMessageBytes) {
                throw tooLarge(size + " bytes");
            }
            if (end - at - PREFIX < size) {
                break;
            }
            byte[] message = Arrays.copyOfRange(bytes, at + PREFIX, at + PREFIX + (int) size);
            messages.add((flags & 1) != 0 ? inflate(message) : message);
            at += PREFIX + (int) size;
        }
        return at;
    }

    /** Checks that the body did not end inside a frame. */
    void end() {
        if (length > 0) {
            throw new InternalException(what + ": the body ends inside a frame, " + length + " bytes after the last"
                    + " whole message (expected: a 5-byte prefix and as many bytes as its length says)");
        }
    }

    private void append(byte[] chunk, int from, int count) {
        if (length + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(length + count, pending.length * 2));
        }
        System.arraycopy(chunk, from, pending, length, count);
        length += count;
    }

    private byte[] inflate(byte[] message) {
        if (!encoding.equals("gzip")) {
            throw new InternalException(what + ": frame flagged compressed, but grpc-encoding is " + declared
                    + " (expected: grpc-encoding gzip for a compressed message)");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(message))) {
            byte[] inflated = in.readNBytes(maxMessageBytes + 1);
            if (inflated.length > maxMessageBytes) {
                throw tooLarge("more than " + maxMessageBytes + " bytes once inflated");
            }
            return inflated;
        } catch (IOException e) {
            throw new InternalException(what + ": compressed message is not valid gzip (" + e.getMessage()
                    + ") (expected: a gzip stream, as grpc-encoding says)");
        }
    }

    private CourierException tooLarge(String size) {
        return new ResourceExhaustedException(what + ": " + size + " (expected: at most " + maxMessageBytes
                + " bytes, " + limit + ")", Map.of(), false);
    }
}
