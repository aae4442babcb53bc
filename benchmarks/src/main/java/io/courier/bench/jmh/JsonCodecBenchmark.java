package io.courier.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.json.JsonCodec;
import io.courier.spi.Codec;
import java.time.Instant;
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
 * the codec's safety settings and error handling cost over the library it wraps.
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
        jackson = new ObjectMapper().findAndRegisterModules();
        order = new Order(42, "Ada Lovelace", "Ajanta", 3, 17.0, "EUR", true, Instant.parse("2026-11-25T12:00:00Z"),
                List.of("spicy", "vegetarian"), "ring twice");
        bytes = courier.encode(order, Order.class);
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
