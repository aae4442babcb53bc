package io.courier.bench.jmh;

import io.courier.avro.AvroCodec;
import io.courier.bench.jmh.JsonCodecBenchmark.Order;
import io.courier.json.JsonCodec;
import io.courier.protobuf.ProtobufCodec;
import io.courier.spi.Codec;
import io.courier.xml.XmlCodec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same 10-field record ({@link JsonCodecBenchmark}'s) encoded and decoded by each of
 * Courier's four REST formats, as the server does it: decoding with the {@code Content-Type}
 * the encoder labelled the bytes with (for Avro, the writer's schema fingerprint).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FormatsBenchmark {
    @Param({"json", "xml", "protobuf", "avro"})
    public String format;

    private Codec codec;
    private Order order;
    private byte[] bytes;
    private String contentType;

    @Setup
    public void setUp() {
        codec = switch (format) {
            case "json" -> JsonCodec.create();
            case "xml" -> XmlCodec.create();
            case "protobuf" -> ProtobufCodec.create();
            case "avro" -> AvroCodec.create();
            default -> throw new IllegalArgumentException("format: " + format + " (expected: json, xml, protobuf or avro)");
        };
        order = new Order(42, "Ada Lovelace", "Ajanta", 3, 17.0, "EUR", true, Instant.parse("2026-11-25T12:00:00Z"),
                List.of("spicy", "vegetarian"), "ring twice");
        bytes = codec.encode(order, Order.class);
        contentType = codec.contentType(Order.class);
        if (!codec.decode(bytes, Order.class, contentType).equals(order)) {
            throw new IllegalStateException(format + ": the record does not survive a round trip");
        }
        System.out.println(format + ": " + bytes.length + " bytes");
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(order, Order.class);
    }

    @Benchmark
    public Object decode() {
        return codec.decode(bytes, Order.class, contentType);
    }
}
