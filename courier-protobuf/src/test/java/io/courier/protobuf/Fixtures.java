package io.courier.protobuf;

import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** The record shapes and the contract the tests share. */
final class Fixtures {
    private Fixtures() {
    }

    enum Color { RED, GREEN, BLUE }

    /** Explicit numbers, none of them 0: the export adds PRIORITY_UNSPECIFIED. */
    enum Priority { @Field(1) LOW, @Field(5) HIGH, @Field(9) URGENT }

    record Scalars(int i, long l, boolean b, double d, float f, String s, byte[] bytes, short sh, byte by, char c) {
    }

    record Boxes(Integer i, Long l, Boolean b, Double d, Float f, Short sh) {
    }

    record Item(String sku, int quantity, Color color) {
    }

    record Order(
            @Field(1) String id,
            @Field(2) List<Item> items,
            @Field(3) Map<String, Integer> counts,
            @Field(5) Optional<String> note,
            @Field(6) Instant createdAt,
            @Field(7) Duration ttl,
            @Field(8) LocalDate due,
            @Field(9) BigDecimal total,
            @Field(10) UUID ref,
            @Field(11) Priority priority,
            @Field(12) Set<Color> colors,
            @Field(13) Item main,
            @Field(20) List<Long> numbers,
            @Field(21) Map<Long, Item> byNumber,
            @Field(22) Optional<Integer> maybe,
            @Field(23) List<String> tags,
            @Field(24) List<Double> ratios,
            @Field(25) Map<UUID, Priority> priorities,
            @Field(26) Optional<Item> extra,
            @Field(1000) List<byte[]> blobs) {
    }

    /** What an older reader of {@link Order} knows: fewer fields, same numbers. */
    record OrderV1(@Field(1) String id, @Field(2) List<Item> items, @Field(13) Item main) {
    }

    record Tree(String label, List<Tree> children) {
    }

    record Empty() {
    }

    @Service("shopFront")
    interface Shop {
        Order echo(Order order);

        Scalars scalars(Scalars scalars);

        Boxes boxes(Boxes boxes);

        Tree tree(Tree tree);

        List<Item> items(@Query("color") Color color, @Query("limit") int limit, @Header("X-Request-Id") String requestId);

        @Get("/names/{id}")
        String name(@Path("id") UUID id);

        CompletableFuture<Long> count(Item item, @Query("since") Instant since);

        Map<String, Item> index();

        void ping();

        Optional<LocalDate> due(Empty empty);
    }
}
