package io.courier.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.type.TypeReference;
import io.courier.InvalidArgumentException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Arbitrary bytes decoded into records of every kind of field the codec supports: each decode
 * ends in a value or an {@link InvalidArgumentException} with a message, quickly. Without
 * {@code JAZZER_FUZZ} it replays the inputs under {@code JsonCodecFuzzTestInputs}.
 */
class JsonCodecFuzzTest {
    enum Kind { SMALL, LARGE }

    record Money(BigDecimal amount, String currency) {
    }

    record Line(String sku, int quantity, Money price, Kind kind) {
    }

    record Order(UUID id, String customer, List<Line> lines, Map<String, String> tags, Optional<String> note,
            Instant placed, LocalDate due, Duration ttl, BigInteger sequence, boolean rush, double weight, long version) {
    }

    private static final Type[] TYPES = {
        Order.class, Line.class, Money.class,
        new TypeReference<List<Order>>() { }.getType(),
        new TypeReference<Map<String, List<Integer>>>() { }.getType(),
        String.class, Object.class, Optional.class,
    };

    private static final JsonCodec CODEC = JsonCodec.create();

    @FuzzTest(maxDuration = "10m")
    void decodesOrRefusesWithATypedError(byte[] input) {
        if (input.length == 0) {
            return;
        }
        // The first byte picks the type, the rest is the body.
        Type type = TYPES[Byte.toUnsignedInt(input[0]) % TYPES.length];
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        long started = System.nanoTime();
        try {
            CODEC.decode(body, type);
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        quick(started);
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
