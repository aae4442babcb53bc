package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InternalException;
import io.courier.ResourceExhaustedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static byte[] frame(int flags, byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) flags).putInt(message.length).put(message).array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void messagesSplitAcrossChunksOneByteAtATime() {
        FrameDecoder decoder = new FrameDecoder(null, 100, "m");
        ByteBuffer body = ByteBuffer.allocate(64).put(frame(0, bytes("one"))).put(frame(0, new byte[0]))
                .put(frame(0, bytes("three")));
        byte[] all = java.util.Arrays.copyOf(body.array(), body.position());

        List<String> got = new ArrayList<>();
        for (byte b : all) {
            decoder.feed(new byte[] {b}).forEach(m -> got.add(new String(m, StandardCharsets.UTF_8)));
        }
        decoder.end();

        assertThat(got).containsExactly("one", "", "three");
    }

    @Test
    void severalMessagesInOneChunk() {
        FrameDecoder decoder = new FrameDecoder("identity", 100, "m");
        byte[] a = frame(0, bytes("a"));
        byte[] b = frame(0, bytes("bb"));

        List<byte[]> got = decoder.feed(ByteBuffer.allocate(a.length + b.length).put(a).put(b).array());

        assertThat(got).extracting(m -> new String(m, StandardCharsets.UTF_8)).containsExactly("a", "bb");
    }

    @Test
    void aChunkEndingInsideTheNextFrameKeepsItsTailForTheNextChunk() {
        FrameDecoder decoder = new FrameDecoder(null, 100, "m");
        byte[] a = frame(0, bytes("first"));
        byte[] b = frame(0, bytes("second"));
        byte[] first = ByteBuffer.allocate(a.length + 7).put(a).put(b, 0, 7).array();
        byte[] rest = java.util.Arrays.copyOfRange(b, 7, b.length);

        List<byte[]> fromFirst = decoder.feed(first);
        List<byte[]> fromRest = decoder.feed(rest);
        decoder.end();

        assertThat(fromFirst).extracting(m -> new String(m, StandardCharsets.UTF_8)).containsExactly("first");
        assertThat(fromRest).extracting(m -> new String(m, StandardCharsets.UTF_8)).containsExactly("second");
    }

    @Test
    void gzipMessageIsInflated() throws Exception {
        FrameDecoder decoder = new FrameDecoder("gzip", 100, "m");

        List<byte[]> got = decoder.feed(frame(1, gzip(bytes("zipped"))));

        assertThat(new String(got.get(0), StandardCharsets.UTF_8)).isEqualTo("zipped");
    }

    @Test
    void uncompressedMessageUnderGzipEncodingIsReadAsItIs() {
        // The flag, not the header, says whether this message is compressed.
        assertThat(new FrameDecoder("gzip", 100, "m").feed(frame(0, bytes("plain"))).get(0)).isEqualTo(bytes("plain"));
    }

    @Test
    void compressedFlagWithoutGzipIsInternal() {
        assertThatThrownBy(() -> new FrameDecoder(null, 100, "m").feed(frame(1, bytes("x"))))
                .isInstanceOf(InternalException.class)
                .hasMessage("m: frame flagged compressed, but grpc-encoding is absent (expected: grpc-encoding gzip"
                        + " for a compressed message)");
        assertThatThrownBy(() -> new FrameDecoder("identity", 100, "m").feed(frame(1, bytes("x"))))
                .isInstanceOf(InternalException.class).hasMessageContaining("grpc-encoding is identity");
    }

    @Test
    void notGzipIsInternal() {
        assertThatThrownBy(() -> new FrameDecoder("gzip", 100, "m").feed(frame(1, bytes("plain text"))))
                .isInstanceOf(InternalException.class).hasMessageContaining("m: compressed message is not valid gzip");
    }

    @Test
    void declaredLengthOverTheLimitFailsBeforeTheBodyArrives() {
        FrameDecoder decoder = new FrameDecoder(null, 10, "m");
        byte[] prefix = ByteBuffer.allocate(5).put((byte) 0).putInt(11).array();

        assertThatThrownBy(() -> decoder.feed(prefix)).isInstanceOf(ResourceExhaustedException.class)
                .hasMessage("m: 11 bytes (expected: at most 10 bytes, the server's maxBodyBytes)");
    }

    @Test
    void lengthWithTheTopBitSetIsTooLargeNotNegative() {
        byte[] prefix = {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

        assertThatThrownBy(() -> new FrameDecoder(null, 10, "m").feed(prefix))
                .isInstanceOf(ResourceExhaustedException.class).hasMessageStartingWith("m: 4294967295 bytes");
    }

    @Test
    void inflatedSizeIsBounded() throws Exception {
        byte[] bomb = gzip(new byte[10_000]);
        assertThat(bomb.length).isLessThan(100);

        assertThatThrownBy(() -> new FrameDecoder("gzip", 100, "m").feed(frame(1, bomb)))
                .isInstanceOf(ResourceExhaustedException.class)
                .hasMessage("m: more than 100 bytes once inflated (expected: at most 100 bytes, the server's maxBodyBytes)");
    }

    @Test
    void reservedFlagBitsAreInternal() {
        assertThatThrownBy(() -> new FrameDecoder(null, 100, "m").feed(frame(2, bytes("x"))))
                .isInstanceOf(InternalException.class).hasMessageContaining("frame flags 0x2");
    }

    @Test
    void endInsideAFrameIsInternal() {
        FrameDecoder decoder = new FrameDecoder(null, 100, "m");
        byte[] whole = frame(0, bytes("cut"));
        decoder.feed(java.util.Arrays.copyOf(whole, whole.length - 1));

        assertThatThrownBy(decoder::end).isInstanceOf(InternalException.class)
                .hasMessageStartingWith("m: the body ends inside a frame, 7 bytes after the last whole message");
    }
}
