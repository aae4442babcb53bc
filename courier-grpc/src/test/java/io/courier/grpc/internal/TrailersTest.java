package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrailersTest {
    @Test
    void percentEncodesOnlyBytesOutsidePrintableAsciiAndPercent() {
        assertThat(Trailers.percentEncode("id: 7 (expected: > 0) 100%")).isEqualTo("id: 7 (expected: > 0) 100%25");
        assertThat(Trailers.percentEncode("café\n+~*")).isEqualTo("caf%C3%A9%0A+~*");
    }

    @Test
    void percentDecodeIsTheInverseAndKeepsPlusAndStrayPercent() {
        String text = "a+b: 100% é 😀 \t";

        assertThat(Trailers.percentDecode(Trailers.percentEncode(text))).isEqualTo(text);
        assertThat(Trailers.percentDecode("a+b%zz%4")).isEqualTo("a+b%zz%4");
        assertThat(Trailers.percentDecode("a%20b%3Ac")).isEqualTo("a b:c");
    }
}
