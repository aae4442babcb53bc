package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.ResourceExhaustedException;
import java.util.Arrays;
import java.util.List;

/**
 * gRPC request bodies from hostile bytes, fed in chunks of every size: length-prefixed frames
 * (compressed flag, gzip, lengths past the limit) and gRPC-Web text (base64 that may pad each
 * message). Each body ends in its messages, none larger than the limit, or in the typed error
 * grpc-java's server gives: {@link InternalException}, {@link ResourceExhaustedException}, or
 * {@link InvalidArgumentException} for text that is not base64. Without {@code JAZZER_FUZZ} it
 * replays the inputs under {@code GrpcFramingFuzzTestInputs}.
 */
class GrpcFramingFuzzTest {
    private static final int MAX_MESSAGE = 4096;
    private static final String[] ENCODINGS = {null, "identity", "gzip"};

    @FuzzTest(maxDuration = "10m")
    void framesDecodeOrFailTyped(byte[] input) {
        if (input.length < 2) {
            return;
        }
        // Byte 0 picks grpc-encoding, byte 1 the size of the chunks the body arrives in.
        FrameDecoder frames = new FrameDecoder(ENCODINGS[Byte.toUnsignedInt(input[0]) % 3], MAX_MESSAGE, "request message");
        int chunk = 1 + Byte.toUnsignedInt(input[1]) % 64;
        try {
            for (int at = 2; at < input.length; at += chunk) {
                checkSizes(frames.feed(Arrays.copyOfRange(input, at, Math.min(input.length, at + chunk))));
            }
            frames.end();
        } catch (InternalException | ResourceExhaustedException e) {
            assertThat(e.getMessage()).startsWith("request message: ");
        }
    }

    @FuzzTest(maxDuration = "10m")
    void webTextDecodesOrFailsTyped(byte[] input) {
        if (input.length < 2) {
            return;
        }
        WebTextDecoder text = new WebTextDecoder("request message");
        FrameDecoder frames = new FrameDecoder(ENCODINGS[Byte.toUnsignedInt(input[0]) % 3], MAX_MESSAGE, "request message");
        int chunk = 1 + Byte.toUnsignedInt(input[1]) % 64;
        try {
            for (int at = 2; at < input.length; at += chunk) {
                byte[] bytes = text.feed(Arrays.copyOfRange(input, at, Math.min(input.length, at + chunk)));
                // Up to three characters wait from earlier chunks: each whole group of four is three bytes.
                assertThat(bytes.length).isLessThanOrEqualTo((chunk + 3) / 4 * 3);
                checkSizes(frames.feed(bytes));
            }
            text.end();
            frames.end();
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).startsWith("request message: gRPC-Web text body is not valid base64: ");
        } catch (InternalException | ResourceExhaustedException e) {
            assertThat(e.getMessage()).startsWith("request message: ");
        } catch (CourierException e) {
            throw new AssertionError("unexpected status " + e.status(), e);
        }
    }

    private static void checkSizes(List<byte[]> messages) {
        for (byte[] message : messages) {
            assertThat(message.length).isLessThanOrEqualTo(MAX_MESSAGE);
        }
    }
}
