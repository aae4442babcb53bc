package io.courier.http.internal.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link ContinuationLimit} on a channel fed by the test, its bytes cut at every place: frame
 * headers split between reads are followed, every byte is passed on unchanged until the bound,
 * and past it the connection gets GOAWAY ENHANCE_YOUR_CALM naming the last stream whose block
 * ended, and is closed.
 */
class ContinuationLimitTest {
    private static final int HEADERS = 1, DATA = 0, CONTINUATION = 9, END_HEADERS = 0x4;

    private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, int length) {
        out.writeBytes(ByteBuffer.allocate(9 + length).put((byte) (length >>> 16)).put((byte) (length >>> 8))
                .put((byte) length).put((byte) type).put((byte) flags).putInt(stream).array());
    }

    /**
     * The preface, then on streams 1, 3, 5... a block each, of a HEADERS frame and as many
     * CONTINUATION frames of {@code length} bytes as {@code continuations} says, then a DATA frame.
     */
    private static byte[] blocks(int length, int... continuations) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int b = 0; b < continuations.length; b++) {
            int stream = 1 + 2 * b;
            frame(out, HEADERS, 0, stream, 100);
            for (int i = 1; i <= continuations[b]; i++) {
                frame(out, CONTINUATION, i == continuations[b] ? END_HEADERS : 0, stream, length);
            }
            frame(out, DATA, 1, stream, 300);
        }
        return out.toByteArray();
    }

    private static int fedInPieces(EmbeddedChannel channel, byte[] bytes, int piece) {
        int passed = 0;
        for (int at = 0; at < bytes.length && channel.isOpen(); at += piece) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(piece, bytes.length - at)));
            for (ByteBuf read; (read = channel.readInbound()) != null; read.release()) {
                passed += read.readableBytes();
            }
        }
        return passed;
    }

    @Test
    void blocksWithinTheBoundPassWhereverTheBytesAreCut() {
        byte[] bytes = blocks(1, 32, 32, 32);
        for (int piece : new int[] {1, 2, 5, 9, 10, 17, 4096}) {
            EmbeddedChannel channel = new EmbeddedChannel(new ContinuationLimit(32));
            assertThat(fedInPieces(channel, bytes, piece)).as("bytes passed in pieces of " + piece).isEqualTo(bytes.length);
            assertThat(channel.isOpen()).isTrue();
            assertThat((Object) channel.readOutbound()).isNull();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aBlockPastTheBoundEndsTheConnectionWithGoAway() {
        for (int piece : new int[] {1, 7, 4096}) {
            // Two blocks pass; the third has one CONTINUATION frame too many.
            byte[] bytes = blocks(1, 32, 1, 33);
            EmbeddedChannel channel = new EmbeddedChannel(new ContinuationLimit(32));
            int passed = fedInPieces(channel, bytes, piece);
            // The header of the third block's 33rd CONTINUATION frame: no piece past its last byte passed.
            int excess = blocks(1, 32, 1).length + 109 + 32 * 10;
            assertThat(passed).as("bytes passed before the cut").isLessThanOrEqualTo(excess + 8);
            if (piece == 1) {
                assertThat(passed).isEqualTo(excess + 8);
            }
            assertThat(channel.isOpen()).as("closed, pieces of " + piece).isFalse();
            ByteBuf goAway = channel.readOutbound();
            assertThat(goAway.readableBytes()).isEqualTo(17);
            assertThat(goAway.getUnsignedMedium(0)).isEqualTo(8);
            assertThat(goAway.getByte(3)).isEqualTo((byte) 7);
            assertThat(goAway.getInt(9)).as("last stream").isEqualTo(3);
            assertThat(goAway.getInt(13)).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
            goAway.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void emptyFramesPastTwoEndTheConnection() {
        EmbeddedChannel allowed = new EmbeddedChannel(new ContinuationLimit(32));
        byte[] two = blocks(0, 2);
        assertThat(fedInPieces(allowed, two, 3)).isEqualTo(two.length);
        assertThat(allowed.isOpen()).isTrue();
        allowed.finishAndReleaseAll();

        EmbeddedChannel cut = new EmbeddedChannel(new ContinuationLimit(32));
        fedInPieces(cut, blocks(0, 3), 3);
        assertThat(cut.isOpen()).isFalse();
        cut.finishAndReleaseAll();
    }
}
