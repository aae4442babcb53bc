package io.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTextTest {
    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shortMessageIsUnchanged() {
        assertThat(WireText.message("no order 7")).isEqualTo("no order 7");
        assertThat(WireText.message(null)).isEmpty();
        String exact = "x".repeat(WireText.MAX_MESSAGE_BYTES);
        assertThat(WireText.message(exact)).isSameAs(exact);
    }

    @Test
    void longMessageIsCutToTheBoundWithTheMarker() {
        String bounded = WireText.message("x".repeat(100_000));

        assertThat(utf8(bounded)).isEqualTo(WireText.MAX_MESSAGE_BYTES);
        assertThat(bounded).endsWith(WireText.MARKER).startsWith("xxxx");
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        // 'é' is 2 bytes, '€' 3, '😀' 4 (a surrogate pair): each lands on the cut at some offset.
        for (String c : new String[] {"é", "€", "😀"}) {
            for (int pad = 0; pad < 4; pad++) {
                String text = "a".repeat(pad) + c.repeat(2000);

                String bounded = WireText.bounded(text, 100);

                assertThat(utf8(bounded)).as("%s after %d", c, pad).isLessThanOrEqualTo(100)
                        .isGreaterThan(100 - utf8(c) - 1);
                String kept = bounded.substring(0, bounded.length() - WireText.MARKER.length());
                assertThat(kept).as("%s after %d", c, pad).isEqualTo(text.substring(0, kept.length()));
                assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
                assertThat(new String(kept.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(kept);
            }
        }
    }

    @Test
    void boundTooSmallForTheMarkerIsRejected() {
        assertThatThrownBy(() -> WireText.bounded("text", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes: 3 (expected: >= ");
    }

    @Test
    void detailsWithinTheBoundAreUnchanged() {
        Map<String, String> details = Map.of("id", "7");
        assertThat(WireText.details(details)).isSameAs(details);
    }

    @Test
    void detailsBeyondTheBoundKeepTheShortEntriesWholeAndCutTheOneThatOverflows() {
        Map<String, String> details = new HashMap<>();
        details.put("id", "7");
        details.put("dump", "ü".repeat(5000));
        details.put("trace", "t".repeat(3000));
        details.put("zone", "eu");

        Map<String, String> bounded = WireText.details(details);

        // Shortest first: id and zone whole, trace cut to what is left, dump (the longest) left out.
        assertThat(bounded.keySet()).containsExactly("id", "trace", "zone");
        assertThat(bounded).containsEntry("id", "7").containsEntry("zone", "eu");
        assertThat(bounded.get("trace")).endsWith(WireText.MARKER).startsWith("ttt");
        int total = bounded.entrySet().stream().mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue())).sum();
        assertThat(total).isEqualTo(WireText.MAX_DETAILS_BYTES);
    }

    @Test
    void utf8LengthCountsAsTheEncoderWritesWithoutEncoding() {
        for (String s : new String[] {"", "ascii", "é ß ∑", "東京", "emoji 😀🎉", "𝄞"}) {
            assertThat(WireText.utf8Length(s)).as(s).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        assertThat(WireText.utf8Length(null)).isZero();
    }
}
