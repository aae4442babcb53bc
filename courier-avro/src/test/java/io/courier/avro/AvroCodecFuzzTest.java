package io.courier.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.InvalidArgumentException;
import io.courier.avro.AvroCodecTest.Order;
import io.courier.avro.AvroCodecTest.Tree;
import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * Arbitrary bytes decoded as Avro binary into records (labelled with the reader's own schema, so
 * the bytes are walked against it): each decode ends in a value or an
 * {@link InvalidArgumentException}, never an allocation the size a hostile length claims.
 * Without {@code JAZZER_FUZZ} it replays the inputs under {@code AvroCodecFuzzTestInputs}.
 */
class AvroCodecFuzzTest {
    private static final Type[] TYPES = {Order.class, Tree.class, String.class, long.class};
    private static final AvroCodec CODEC = AvroCodec.create();

    @FuzzTest(maxDuration = "10m")
    void decodesOrRefusesWithATypedError(byte[] input) {
        if (input.length == 0) {
            return;
        }
        // The first byte picks the type, the rest is the datum.
        Type type = TYPES[Byte.toUnsignedInt(input[0]) % TYPES.length];
        try {
            CODEC.decode(Arrays.copyOfRange(input, 1, input.length), type, CODEC.contentType(type));
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
