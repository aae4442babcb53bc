package io.courier.xml;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.InvalidArgumentException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Arbitrary bytes decoded as XML into records: each decode ends in a value or an
 * {@link InvalidArgumentException} (DOCTYPEs, and so entity expansion, refused). Without
 * {@code JAZZER_FUZZ} it replays the inputs under {@code XmlCodecFuzzTestInputs}.
 */
class XmlCodecFuzzTest {
    enum Kind { SMALL, LARGE }

    record Line(String sku, int quantity, BigDecimal price, Kind kind) {
    }

    record Order(String id, List<Line> lines, Map<String, String> tags, Optional<String> note, Instant placed) {
    }

    private static final Type[] TYPES = {Order.class, Line.class, String.class};
    private static final XmlCodec CODEC = XmlCodec.create();

    @org.junit.jupiter.api.Test
    void anElementGivenTwiceIsTheCallersError() {
        byte[] twice = "<Line><sku>a</sku><quantity>1</quantity><price>1</price><kind>SMALL</kind><price>2</price></Line>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CODEC.decode(twice, Line.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageEndingWith(": given twice (expected: each element once)");
    }

    @FuzzTest(maxDuration = "10m")
    void decodesOrRefusesWithATypedError(byte[] input) {
        if (input.length == 0) {
            return;
        }
        // The first byte picks the type, the rest is the document.
        Type type = TYPES[Byte.toUnsignedInt(input[0]) % TYPES.length];
        try {
            CODEC.decode(Arrays.copyOfRange(input, 1, input.length), type);
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
