package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.InvalidArgumentException;
import io.courier.protobuf.Fixtures.Boxes;
import io.courier.protobuf.Fixtures.Item;
import io.courier.protobuf.Fixtures.Order;
import io.courier.protobuf.Fixtures.Scalars;
import io.courier.protobuf.Fixtures.Tree;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Arbitrary bytes decoded as Protobuf into records of every supported field type, recursive
 * ones and wrapped scalars: each decode ends in a value or an {@link InvalidArgumentException},
 * quickly; a value decoded re-encodes and decodes to an equal one. Without {@code JAZZER_FUZZ}
 * it replays the inputs under {@code ProtobufCodecFuzzTestInputs}.
 */
class ProtobufCodecFuzzTest {
    @SuppressWarnings("unused")
    private static void shapes(List<Item> items, Map<String, Long> counts) {
    }

    private static Type generic(int index) {
        try {
            return ProtobufCodecFuzzTest.class.getDeclaredMethod("shapes", List.class, Map.class)
                    .getGenericParameterTypes()[index];
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static final Type[] TYPES = {
        Order.class, Item.class, Scalars.class, Boxes.class, Tree.class, String.class, long.class, BigDecimal.class,
        generic(0), generic(1),
    };

    private static final ProtobufCodec CODEC = ProtobufCodec.create();

    @FuzzTest(maxDuration = "10m")
    void decodesOrRefusesWithATypedError(byte[] input) {
        if (input.length == 0) {
            return;
        }
        // The first byte picks the type, the rest is the message.
        Type type = TYPES[Byte.toUnsignedInt(input[0]) % TYPES.length];
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        long started = System.nanoTime();
        Object value;
        try {
            value = CODEC.decode(body, type);
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).startsWith("protobuf body");
            return;
        }
        quick(started);
        // What decodes encodes again, and reads back the same (arrays aside, which compare by identity).
        byte[] again = CODEC.encode(value, type);
        Object back = CODEC.decode(again, type);
        assertThat(CODEC.encode(back, type)).isEqualTo(again);
    }

    // Only while fuzzing, past the first inputs (class loading and instrumentation), is the time
    // one input takes a finding: replaying the corpus in a loaded build must not be flaky.
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null;
    private static long inputs;

    private static void quick(long startedNanos) {
        if (FUZZING && ++inputs > 1_000) {
            assertThat(Duration.ofNanos(System.nanoTime() - startedNanos)).as("time for one input").isLessThan(Duration.ofSeconds(2));
        }
    }
}
