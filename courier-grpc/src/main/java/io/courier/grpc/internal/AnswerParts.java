package io.courier.grpc.internal;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one large message of a gRPC answer as parts of its HTTP body, each a write of its own:
 * a write's future completes when its bytes have left, so a reader taking the answer slowly but
 * steadily shows progress to the write timeout with each part, where one write of the whole
 * message would complete only at its end. The message is framed as Vert.x frames it (a flag, its
 * length, its bytes; gzipped when the answer is; base64 for gRPC-Web text), then cut.
 */
final class AnswerParts {
    /** Messages larger than this are written in parts of this size, as REST answers are. */
    static final int PART = io.courier.http.internal.vertx.WriteProgress.PART;
    /** gRPC-Web text parts are a multiple of 3 bytes, so that only the last one's base64 is padded. */
    private static final int TEXT_PART = PART / 3 * 3;

    private AnswerParts() {
    }

    /**
     * Writes {@code message}, framed, on {@code response} (whose head is written) in parts, each
     * given to {@code watch}; returns the future of the last part.
     */
    static Future<Void> write(HttpServerResponse response, byte[] message, boolean gzip, boolean text, WriteWatch watch) {
        byte[] payload = gzip ? gzip(message) : message;
        byte[] frame = ByteBuffer.allocate(5 + payload.length).put((byte) (gzip ? 1 : 0)).putInt(payload.length)
                .put(payload).array();
        int part = text ? TEXT_PART : PART;
        Buffer whole = Buffer.buffer(frame);
        Future<Void> last = null;
        for (int at = 0; at < frame.length; at += part) {
            int end = Math.min(frame.length, at + part);
            Buffer bytes = text ? Buffer.buffer(Base64.getEncoder().encode(Arrays.copyOfRange(frame, at, end)))
                    : whole.slice(at, end);
            last = response.write(bytes);
            watch.writing(last);
        }
        return last;
    }

    private static byte[] gzip(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from memory
        }
        return out.toByteArray();
    }
}
