package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.courier.InvalidArgumentException;
import io.courier.spi.Codec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A property of every codec on the class path: whatever bytes arrive, decoding ends within a
 * time proportional to their size, with a value or an {@link InvalidArgumentException}: never
 * another exception, never a hang. Inputs are random bytes and mutations of valid encodings
 * (bytes flipped, cut, repeated, or spliced with hostile tokens such as {@code 1e10000000}),
 * from a fixed seed: {@code -Dcourier.fuzz.seed=N} replays another run, and a failure names
 * the seed, the case and the input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodecFuzzTest {
    public record Item(String sku, long quantity, BigDecimal price) {
    }

    public record Node(String name, List<Node> children) {
    }

    public record Order(String customer, BigDecimal amount, BigInteger reference, List<Item> items,
                        Map<String, Long> counts, Node tree, byte[] signature, double weight, boolean paid) {
    }

    private static final long SEED = Long.getLong("courier.fuzz.seed", 20261206L);
    private static final int CASES = 3000;
    private static final int MAX_INPUT = 64 * 1024;
    private static final byte[][] TOKENS = {
        ascii("1e10000000"), ascii("-1E-10000000"), ascii("9".repeat(5000)), ascii("[".repeat(2000)),
        ascii("{\"a\":".repeat(500)), ascii("\"amount\":1e999999999"), ascii("\\u0000"), ascii("null"),
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, {0x0a, (byte) 0x80, (byte) 0x80, 0x04},
        {0x12, 0x0a}, {0x1b}, {0x0c}, {(byte) 0xc3, 0x28}};

    private final ExecutorService decoder = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
            .name("fuzz-decoder").factory());

    @AfterAll
    void stop() {
        decoder.shutdownNow();
    }

    @Test
    void everyCodecDecodesAnyInputFastOrRefusesItAsInvalidArgument() {
        List<Codec> codecs = new ArrayList<>();
        ServiceLoader.load(Codec.class).forEach(codecs::add);
        assertThat(codecs).extracting(Codec::mediaType).contains("application/json", "application/x-protobuf");
        List<Type> types = List.of(Order.class, Node.class, listOf(Item.class), BigDecimal.class, String.class);
        for (Codec codec : codecs) {
            for (Type type : types) {
                check(codec, type);
            }
        }
    }

    private void check(Codec codec, Type type) {
        Random random = new Random(SEED ^ codec.mediaType().hashCode() ^ type.getTypeName().hashCode());
        List<byte[]> valid = samples(codec, type);
        for (byte[] v : valid) {
            assertThat(decode(codec, type, v, -1)).as("a valid %s in %s", type.getTypeName(), codec.mediaType()).isTrue();
        }
        for (int i = 0; i < CASES; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, valid.get(random.nextInt(valid.size())));
            decode(codec, type, input, i);
        }
    }

    /** Whether {@code input} decoded; fails the test on any other outcome than a value or InvalidArgumentException. */
    private boolean decode(Codec codec, Type type, byte[] input, int index) {
        // Proportional to the input: a fixed allowance for a cold JIT and a loaded machine, and 50 µs a byte.
        Duration bound = Duration.ofSeconds(2).plus(Duration.ofNanos(50_000L * input.length));
        Future<?> result = decoder.submit(() -> codec.decode(input, type));
        try {
            result.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidArgumentException) {
                return false;
            }
            throw new AssertionError(describe(codec, type, input, index) + " threw " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            return fail(describe(codec, type, input, index) + " did not finish within " + bound.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private static String describe(Codec codec, Type type, byte[] input, int index) {
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 200));
        return codec.mediaType() + " decoding " + type.getTypeName() + " (seed " + SEED + ", case " + index + ", "
                + input.length + " bytes: " + hex + (input.length > 200 ? "..." : "") + ")";
    }

    private static List<byte[]> samples(Codec codec, Type type) {
        Item item = new Item("sku-1", 3, new BigDecimal("12.30"));
        Node tree = new Node("root", List.of(new Node("a", List.of()), new Node("b", List.of(new Node("c", List.of())))));
        Order order = new Order("ann", new BigDecimal("1E+5"), new BigInteger("123456789012345678901234567890"),
                List.of(item, new Item("sku-2", 1, new BigDecimal("-0.001"))), Map.of("x", 1L, "y", -7L), tree,
                new byte[] {1, 2, 3}, 2.5, true);
        List<Object> values = type == Order.class ? List.of(order, new Order(null, null, null, List.of(), Map.of(), null,
                new byte[0], 0, false))
                : type == Node.class ? List.of(tree)
                : type == BigDecimal.class ? List.of(new BigDecimal("3.14159"), new BigDecimal("-1E+20"))
                : type == String.class ? List.of("hello", "ünïcode")
                : List.of(List.of(item, item));
        List<byte[]> encoded = new ArrayList<>();
        for (Object v : values) {
            encoded.add(codec.encode(v, type));
        }
        return encoded;
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(random.nextBoolean() ? 64 : 4096)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] b = valid.clone();
        int steps = 1 + random.nextInt(4);
        for (int s = 0; s < steps; s++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            b = switch (random.nextInt(5)) {
                case 0 -> { // flip a byte
                    if (b.length > 0) {
                        b[Math.min(at, b.length - 1)] ^= (byte) (1 + random.nextInt(255));
                    }
                    yield b;
                }
                case 1 -> splice(b, at, TOKENS[random.nextInt(TOKENS.length)], 0);
                case 2 -> splice(b, at, new byte[0], Math.min(b.length - at, random.nextInt(8))); // cut
                case 3 -> { // repeat a slice
                    int from = random.nextInt(b.length + 1);
                    int len = Math.min(b.length - from, random.nextInt(32));
                    byte[] slice = java.util.Arrays.copyOfRange(b, from, from + len);
                    byte[] out = b;
                    for (int r = random.nextInt(64); r > 0 && out.length + len <= MAX_INPUT; r--) {
                        out = splice(out, at, slice, 0);
                    }
                    yield out;
                }
                default -> { // a random byte inserted
                    yield splice(b, at, new byte[] {(byte) random.nextInt(256)}, 0);
                }
            };
            if (b.length > MAX_INPUT) {
                b = java.util.Arrays.copyOf(b, MAX_INPUT);
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] insert, int remove) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Type listOf(Class<?> element) {
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {element};
            }

            @Override
            public Type getRawType() {
                return List.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof ParameterizedType p && p.getRawType() == List.class && p.getOwnerType() == null
                        && java.util.Arrays.equals(p.getActualTypeArguments(), getActualTypeArguments());
            }

            @Override
            public int hashCode() {
                return java.util.Arrays.hashCode(getActualTypeArguments()) ^ List.class.hashCode();
            }

            @Override
            public String getTypeName() {
                return "java.util.List<" + element.getName() + ">";
            }
        };
    }
}
