package io.courier.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.courier.json.JsonCodec;
import io.courier.spi.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Courier's JSON codec against a plain Jackson {@code ObjectMapper} on a 10-field record: what
 * the codec's safety settings and error handling cost over the library it wraps. The plain
 * mapper writes dates as ISO-8601 text, as Courier does (and as Spring Boot configures Jackson),
 * so that both sides do the same work: the setup checks that they write the same bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonCodecBenchmark {
    /** A 10-field record. */
    public record Order(long id, String consumer, String restaurant, int items, double total, String currency,
                        boolean paid, Instant createdAt, List<String> tags, String note) {
    }

    private Codec courier;
    private ObjectMapper jackson;
    private Order order;
    private byte[] bytes;

    @Setup
    public void setUp() throws Exception {
        courier = JsonCodec.create();
        jackson = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        order = new Order(42, "Ada Lovelace", "Ajanta", 3, 17.0, "EUR", true, Instant.parse("2026-11-25T12:00:00Z"),
                List.of("spicy", "vegetarian"), "ring twice");
        bytes = courier.encode(order, Order.class);
        if (!Arrays.equals(bytes, jackson.writeValueAsBytes(order))) {
            throw new IllegalStateException("courier-json and the plain mapper write different JSON: "
                    + new String(bytes, StandardCharsets.UTF_8) + " vs "
                    + new String(jackson.writeValueAsBytes(order), StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public byte[] courierEncode() {
        return courier.encode(order, Order.class);
    }

    @Benchmark
    public Object courierDecode() {
        return courier.decode(bytes, Order.class);
    }

    @Benchmark
    public byte[] jacksonEncode() throws Exception {
        return jackson.writeValueAsBytes(order);
    }

    @Benchmark
    public Object jacksonDecode() throws Exception {
        return jackson.readValue(bytes, Order.class);
    }
}
