package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.InvalidArgumentException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Path templates and the conversion of path, query and header values from hostile text: a
 * template parses or is refused with {@link IllegalArgumentException} (a contract error, found at
 * startup); a request path matches, or does not; a value converts or is refused with
 * {@link InvalidArgumentException} (HTTP 400). Without {@code JAZZER_FUZZ} it replays the inputs
 * under {@code PathTemplateFuzzTestInputs}.
 */
class PathTemplateFuzzTest {
    enum Color { RED, GREEN }

    @SuppressWarnings("unused")
    private static void shapes(Optional<Integer> maybe, List<BigDecimal> amounts, Set<Color> colors) {
    }

    private static Type generic(int index) {
        try {
            return PathTemplateFuzzTest.class.getDeclaredMethod("shapes", Optional.class, List.class, Set.class)
                    .getGenericParameterTypes()[index];
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static final PathTemplate ORDERS = PathTemplate.parse("/orders/{id}/items/{sku}");

    private static final Type[] TYPES = {
        String.class, int.class, Long.class, short.class, byte.class, double.class, Float.class, boolean.class,
        char.class, UUID.class, BigDecimal.class, BigInteger.class, Color.class, Instant.class, LocalDate.class,
        Duration.class,
        generic(0), generic(1), generic(2),
    };

    private static final StringConverter[] CONVERTERS = new StringConverter[TYPES.length];
    private static final ParameterDescriptor[] PARAMETERS = new ParameterDescriptor[TYPES.length];

    static {
        for (int i = 0; i < TYPES.length; i++) {
            CONVERTERS[i] = StringConverter.forType(TYPES[i], true);
            PARAMETERS[i] = new ParameterDescriptor(0, "p", ParameterDescriptor.Kind.QUERY, TYPES[i], CONVERTERS[i], false);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void templatesParseOrAreRefused(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        PathTemplate template;
        try {
            template = PathTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(template.size()).isEqualTo(PathTemplate.split(text).size());
        assertThat(template.sameShape(PathTemplate.parse(template.template()))).isTrue();
        // Every template expands its own variables into a path it matches, with the same values.
        Map<String, String> values = new java.util.HashMap<>();
        for (String name : template.variableNames()) {
            values.put(name, name + "/ +%?");
        }
        String path = template.expand(values);
        assertThat(template.match(PathTemplate.split(path))).isEqualTo(values);
    }

    @FuzzTest(maxDuration = "10m")
    void requestPathsMatchOrNot(byte[] input) {
        String path = "/" + new String(input, StandardCharsets.UTF_8);
        try {
            Map<String, String> values = ORDERS.match(PathTemplate.split(path));
            if (values != null) {
                assertThat(values).containsOnlyKeys("id", "sku");
            }
        } catch (IllegalArgumentException e) { // documented: a variable's segment with bad percent-encoding
            assertThat(e.getMessage()).startsWith("path ").contains(" (expected: ");
        }
    }

    @FuzzTest(maxDuration = "10m")
    void valuesConvertOrAreRefused(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int which = Byte.toUnsignedInt(input[0]) % TYPES.length;
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        List<String> values = List.of(text.split("&", -1));
        long started = System.nanoTime();
        try {
            Object value = PARAMETERS[which].parse(values);
            // What converts formats back to text that converts to the same value.
            if (value != null && !(value instanceof Double) && !(value instanceof Float)) {
                assertThat(PARAMETERS[which].parse(PARAMETERS[which].format(value))).isEqualTo(value);
            }
        } catch (InvalidArgumentException e) {
            assertThat(e.getMessage()).startsWith("query p");
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
