package io.courier.outbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Metadata;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header column's text: plain values as they are, every other value form-encoded, both ways. */
class HeaderTextTest {
    private static final List<String> VALUES = List.of("plain", "m-42_x.y*Z09", "", "a b", "a+b", "100%", "a&b=c",
            "~tilde", "ünïcødé", "line\nbreak", "2026-12-07T02:30:00Z", "/path?q");

    @Test
    void encodesEachValueAsTheFormEncoderDoes() {
        for (String v : VALUES) {
            String text = HeaderText.encode(Metadata.of("x-" + v.length(), v));
            assertThat(text).isEqualTo("x-" + v.length() + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
    }

    @Test
    void decodesWhatItEncodes() {
        Metadata.Builder b = Metadata.builder();
        for (String v : VALUES) {
            b.add("name " + v, v);
        }
        Metadata headers = b.build();
        assertThat(HeaderText.decode(HeaderText.encode(headers))).isEqualTo(headers);
    }

    @Test
    void decodesAPlusAsASpaceAndRefusesABrokenEscape() {
        assertThat(HeaderText.decode("a+b=c+d%2B").get("a b")).contains("c d+");
        assertThatThrownBy(() -> HeaderText.decode("a=%zz")).isInstanceOf(IllegalArgumentException.class);
    }
}
