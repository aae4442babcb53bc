package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebTextDecoderTest {
    @Test
    void decodesGroupsSplitAcrossChunksWithPaddingMidBody() {
        // Two pieces each base64-encoded on its own, as gRPC-Web text allows: "=" mid-body.
        String text = Base64.getEncoder().encodeToString("ab".getBytes(StandardCharsets.US_ASCII))
                + Base64.getEncoder().encodeToString("cde".getBytes(StandardCharsets.US_ASCII));
        WebTextDecoder decoder = new WebTextDecoder("m");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        for (char c : text.toCharArray()) {
            out.writeBytes(decoder.feed(new byte[] {(byte) c}));
        }
        decoder.end();

        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abcde");
    }

    @Test
    void lineBreaksAreSkipped() {
        assertThat(new WebTextDecoder("m").feed("YW\r\nJj".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void characterOutsideTheAlphabetIsInvalidArgumentNamingBase64() {
        assertThatThrownBy(() -> new WebTextDecoder("m").feed("YWJj!".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("m: gRPC-Web text body is not valid base64: character 0x21 at offset 4");
    }

    @Test
    void misplacedPaddingIsInvalidArgument() {
        assertThatThrownBy(() -> new WebTextDecoder("m").feed("Y=Jj".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not valid base64: group \"Y=Jj\"");
    }

    @Test
    void partialGroupAtTheEndIsInvalidArgument() {
        WebTextDecoder decoder = new WebTextDecoder("m");
        decoder.feed("YWJjZ".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(decoder::end).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("m: gRPC-Web text body is not valid base64: 1 characters left over at the end"
                        + " (expected: groups of 4, padded with '=')");
    }
}
