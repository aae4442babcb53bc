package io.courier.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlCodecTest {
    enum Size { SMALL, LARGE }

    record Line(String sku, int quantity) {}

    record Order(String id, Size size, Instant at, BigDecimal total, List<Line> lines, Map<String, Integer> counts,
                 Optional<String> note, String comment) {}

    private final XmlCodec codec = XmlCodec.create();

    @Test
    void aRecordRoundTripsWithAbsentValuesLeftOut() {
        Order order = new Order("o-1 & <2>", Size.LARGE, Instant.parse("2024-02-29T12:34:56.123456789Z"),
                new BigDecimal("12.50"), List.of(new Line("a", 2), new Line("b", 0)), Map.of("x", 1),
                Optional.empty(), null);

        byte[] xml = codec.encode(order, Order.class);

        String text = new String(xml, StandardCharsets.UTF_8);
        assertThat(text).startsWith("<Order>").contains("<id>o-1 &amp; &lt;2></id>").doesNotContain("note")
                .doesNotContain("comment");
        assertThat(codec.decode(xml, Order.class)).isEqualTo(order);
    }

    @Test
    void anEmptyElementIsTheEmptyStringAMissingOneNullAndUnknownOnesIgnored() {
        String xml = "<Line><sku/><colour>red</colour><quantity>1</quantity></Line>";
        String missing = "<Line><quantity>1</quantity></Line>";

        assertThat(codec.decode(xml.getBytes(StandardCharsets.UTF_8), Line.class)).isEqualTo(new Line("", 1));
        assertThat(codec.decode(missing.getBytes(StandardCharsets.UTF_8), Line.class)).isEqualTo(new Line(null, 1));
    }

    @Test
    void nullIsNoBytesAndNoBytesIsNull() {
        assertThat(codec.encode(null, Line.class)).isEmpty();
        assertThat(codec.decode(new byte[0], Line.class)).isNull();
    }

    @Test
    void textAndListsAtTheRootRoundTrip() {
        assertThat(codec.decode(codec.encode("héllo 😀", String.class), String.class)).isEqualTo("héllo 😀");
        assertThat(codec.decode(codec.encode(42L, long.class), long.class)).isEqualTo(42L);
    }

    @Test
    void anExternalEntityIsRefusedAndTheFileNeverRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "top-secret");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Line [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<Line><sku>&xxe;</sku><quantity>1</quantity></Line>";

        assertThatThrownBy(() -> codec.decode(xxe.getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: a DOCTYPE declaration (expected: XML without a DTD")
                .hasMessageNotContaining("top-secret");
    }

    @Test
    void entityExpansionIsRefused() {
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                laughs.append("&lol").append(i == 1 ? "" : String.valueOf(i - 1)).append(';');
            }
            laughs.append("\">\n");
        }
        laughs.append("]>\n<Line><sku>&lol9;</sku><quantity>1</quantity></Line>");

        assertThatThrownBy(() -> codec.decode(laughs.toString().getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: a DOCTYPE declaration");
    }

    @Test
    void anUndeclaredEntityIsMalformed() {
        String xml = "<Line><sku>&lol;</sku><quantity>1</quantity></Line>";

        assertThatThrownBy(() -> codec.decode(xml.getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: malformed XML at line 1")
                .hasMessageContaining("lol");
    }

    @Test
    void malformedXmlNamesWhere() {
        assertThatThrownBy(() -> codec.decode("<Line><sku>a</Line>".getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: malformed XML at line 1, column ");
        assertThatThrownBy(() -> codec.decode("{\"sku\":1}".getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: malformed XML");
        assertThatThrownBy(() -> codec.decode("  ".getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("body: ");
    }

    @Test
    void aWrongValueNamesItsElement() {
        String xml = "<Line><sku>a</sku><quantity>many</quantity></Line>";

        assertThatThrownBy(() -> codec.decode(xml.getBytes(StandardCharsets.UTF_8), Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("/quantity")
                .hasMessageContaining("many")
                .hasMessageContaining("(expected: an integer)");
    }

    @Test
    void decodingIsBounded() {
        XmlCodec small = codec.withLimits(Limits.builder().maxNestingDepth(5).maxDecimalScale(10).build());
        String deep = "<a>".repeat(50) + "</a>".repeat(50);
        String decimal = "<Order><total>1e10000000</total></Order>";

        assertThatThrownBy(() -> small.decode(deep.getBytes(StandardCharsets.UTF_8), Map.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: too large or too deep").hasMessageContaining("Depth limit (5)");
        assertThatThrownBy(() -> small.decode(decimal.getBytes(StandardCharsets.UTF_8), Order.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("maxDecimalScale");
    }

    @Test
    void textXmlCannotCarryIsTheEncodersFault() {
        assertThatThrownBy(() -> codec.encode(new Line("bell\u0007", 1), Line.class))
                .isInstanceOf(InternalException.class)
                .hasMessageStartingWith("cannot encode a Line as XML");
    }
}
