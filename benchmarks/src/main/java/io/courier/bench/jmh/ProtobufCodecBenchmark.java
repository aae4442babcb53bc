package io.courier.bench.jmh;

import com.google.protobuf.Timestamp;
import io.courier.bench.jmh.JsonCodecBenchmark.Order;
import io.courier.protobuf.ProtobufCodec;
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
 * courier-protobuf's record codec against the class {@code protoc} generates for the same
 * 10-field message ({@code bench.Order}): what mapping a plain record costs over hand-written
 * schema and generated code. Both sides start from a built value (record or message) and decode
 * to one; the setup checks that the two write bytes each other reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtobufCodecBenchmark {
    private Codec courier;
    private Order order;
    private io.courier.bench.proto.Order message;
    private byte[] courierBytes;
    private byte[] protocBytes;

    @Setup
    public void setUp() throws Exception {
        courier = ProtobufCodec.create();
        Instant createdAt = Instant.parse("2026-11-25T12:00:00Z");
        order = new Order(42, "Ada Lovelace", "Ajanta", 3, 17.0, "EUR", true, createdAt,
                List.of("spicy", "vegetarian"), "ring twice");
        message = io.courier.bench.proto.Order.newBuilder().setId(42).setConsumer("Ada Lovelace").setRestaurant("Ajanta")
                .setItems(3).setTotal(17.0).setCurrency("EUR").setPaid(true)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(createdAt.getEpochSecond()).setNanos(createdAt.getNano()))
                .addAllTags(List.of("spicy", "vegetarian")).setNote("ring twice").build();
        courierBytes = courier.encode(order, Order.class);
        protocBytes = message.toByteArray();
        // The same message, or the comparison means nothing.
        if (!io.courier.bench.proto.Order.parseFrom(courierBytes).equals(message)
                || !courier.decode(protocBytes, Order.class).equals(order)) {
            throw new IllegalStateException("courier-protobuf and protoc disagree on bench.Order");
        }
    }

    @Benchmark
    public byte[] courierEncode() {
        return courier.encode(order, Order.class);
    }

    @Benchmark
    public Object courierDecode() {
        return courier.decode(courierBytes, Order.class);
    }

    @Benchmark
    public byte[] protocEncode() {
        return message.toByteArray();
    }

    @Benchmark
    public Object protocDecode() throws Exception {
        return io.courier.bench.proto.Order.parseFrom(protocBytes);
    }
}
