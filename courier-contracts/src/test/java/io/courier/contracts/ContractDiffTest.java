package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.contract.InvalidContractException;
import io.courier.protobuf.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ContractDiff} on pairs of contracts that differ in one way each: methods, routes,
 * parameters, enums by name and by number, types, and the verdict per format and direction.
 */
class ContractDiffTest {
    record Item(String sku, int quantity) {}

    enum Colour { RED, GREEN }

    enum ColourRenamed { RED, VERDE }

    enum ColourNumbered { @Field(0) RED, @Field(1) GREEN }

    enum ColourSwapped { GREEN, RED }

    static final class V1 {
        @Service("shop")
        interface Shop {
            @Get("/items/{sku}")
            Item item(@Path("sku") String sku);

            List<Item> search(@Query("q") String q);

            void paint(Colour colour);

            void forget(String sku);
        }
    }

    static final class V2 {
        @Service("shop")
        interface Shop {
            @Get("/v2/items/{sku}")
            Item item(@Path("sku") String sku);

            List<Item> search(@Query("query") String q, @Query("limit") int limit, @Query("page") Optional<Integer> page);

            void paint(ColourRenamed colour);

            Item count(String sku);
        }
    }

    private static Map<String, Change> byLocation(List<Change> changes) {
        Map<String, Change> m = new java.util.LinkedHashMap<>();
        changes.forEach(c -> m.put(c.kind() + " " + c.location(), c));
        return m;
    }

    @Test
    void methodsRoutesAndParameters() {
        Map<String, Change> changes = byLocation(ContractDiff.compare(V1.Shop.class, V2.Shop.class));

        assertThat(changes).containsOnlyKeys("ROUTE_CHANGED shop.item", "PARAMETER_CHANGED shop.search(query)",
                "PARAMETER_ADDED shop.search(limit)", "PARAMETER_ADDED shop.search(page)",
                "RECORD_RENAMED shop.paint(colour)", "ENUM_CONSTANT_REMOVED shop.paint(colour) > ColourRenamed.GREEN",
                "ENUM_CONSTANT_ADDED shop.paint(colour) > ColourRenamed.VERDE", "METHOD_REMOVED shop.forget",
                "METHOD_ADDED shop.count");
        Change route = changes.get("ROUTE_CHANGED shop.item");
        assertThat(route.description()).isEqualTo("REST route GET /items/{sku} is now GET /v2/items/{sku} (gRPC"
                + " addresses the rpc by name and is unaffected)");
        assertThat(route.breaks(Format.JSON, Direction.OLD_CLIENT_NEW_SERVER)).isTrue();
        assertThat(route.breaks(Format.GRPC, Direction.OLD_CLIENT_NEW_SERVER)).isFalse();

        // A query parameter travels by name over REST; gRPC numbers the parameters by position.
        Change renamed = changes.get("PARAMETER_CHANGED shop.search(query)");
        assertThat(renamed.breaks()).containsOnlyKeys(Format.JSON, Format.XML, Format.PROTOBUF, Format.AVRO);
        // A primitive parameter an old client leaves out reads as 0, an Optional as empty.
        assertThat(changes.get("PARAMETER_ADDED shop.search(limit)").breaking()).isFalse();
        assertThat(changes.get("PARAMETER_ADDED shop.search(page)").breaking()).isFalse();

        // A body's own name does not travel: the enum rename itself breaks nothing.
        assertThat(changes.get("RECORD_RENAMED shop.paint(colour)").breaking()).isFalse();
        Change gone = changes.get("ENUM_CONSTANT_REMOVED shop.paint(colour) > ColourRenamed.GREEN");
        assertThat(gone.breaks()).isEqualTo(Map.of(Format.JSON, Set.of(Direction.OLD_CLIENT_NEW_SERVER),
                Format.XML, Set.of(Direction.OLD_CLIENT_NEW_SERVER), Format.AVRO, Set.of(Direction.OLD_CLIENT_NEW_SERVER)));
        assertThat(gone.description()).contains("Protobuf reads its number 1 as the constant that has it now");

        assertThat(changes.get("METHOD_REMOVED shop.forget").breakingFormats(Direction.NEW_CLIENT_OLD_SERVER)).isEmpty();
        assertThat(changes.get("METHOD_ADDED shop.count").breakingFormats(Direction.NEW_CLIENT_OLD_SERVER))
                .containsExactlyInAnyOrder(Format.values());
        assertThat(ContractDiff.breaking(List.copyOf(changes.values()))).isTrue();
    }

    static final class P1 {
        @Service("paint")
        interface Paint {
            void paint(Colour colour);
        }
    }

    static final class PNumbered {
        @Service("paint")
        interface Paint {
            void paint(ColourNumbered colour);
        }
    }

    static final class PSwapped {
        @Service("paint")
        interface Paint {
            void paint(ColourSwapped colour);
        }
    }

    @Test
    void enumNumbersMatterToProtobufAlone() {
        // @Field numbers equal to the ordinals: nothing changes on any wire.
        assertThat(ContractDiff.compare(P1.Paint.class, PNumbered.Paint.class)).allMatch(c -> !c.breaking());

        List<Change> swapped = ContractDiff.compare(P1.Paint.class, PSwapped.Paint.class);
        assertThat(swapped).filteredOn(c -> c.kind() == Change.Kind.ENUM_CONSTANT_RENUMBERED)
                .extracting(Change::location, Change::breaks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("paint.paint(colour) > ColourSwapped.RED",
                                Map.of(Format.PROTOBUF, Set.of(Direction.values()), Format.GRPC, Set.of(Direction.values()))),
                        org.assertj.core.groups.Tuple.tuple("paint.paint(colour) > ColourSwapped.GREEN",
                                Map.of(Format.PROTOBUF, Set.of(Direction.values()), Format.GRPC, Set.of(Direction.values()))));
    }

    record Sized(String sku, float weight) {}

    record SizedWider(String sku, double weight) {}

    static final class W1 {
        @Service("weigh")
        interface Weigh {
            Sized weigh(Sized item);
        }
    }

    static final class W2 {
        @Service("weigh")
        interface Weigh {
            SizedWider weigh(SizedWider item);
        }
    }

    @Test
    void aWiderNumberIsReadByJsonAndAvroButNotByProtobuf() {
        Change c = ContractDiff.compare(W1.Weigh.class, W2.Weigh.class).stream()
                .filter(x -> x.location().equals("weigh.weigh(item) > SizedWider.weight")).findFirst().orElseThrow();

        assertThat(c.description()).isEqualTo("type changed from float to double");
        // The request: an old client's float read as double by the new server.
        assertThat(c.breaks(Format.JSON, Direction.OLD_CLIENT_NEW_SERVER)).isFalse();
        assertThat(c.breaks(Format.AVRO, Direction.OLD_CLIENT_NEW_SERVER)).isFalse();
        assertThat(c.breaks(Format.PROTOBUF, Direction.OLD_CLIENT_NEW_SERVER)).isTrue(); // fixed32 is not fixed64
        assertThat(c.breaks(Format.JSON, Direction.NEW_CLIENT_OLD_SERVER)).isTrue();
    }

    record Named(String sku) {}

    record NamedKept(@com.fasterxml.jackson.annotation.JsonProperty("sku") String code) {}

    static final class N1 {
        @Service("named")
        interface Named {
            void put(ContractDiffTest.Named item);
        }
    }

    static final class N2 {
        @Service("named")
        interface Named {
            void put(NamedKept item);
        }
    }

    @Test
    void aJavaRenameThatKeepsItsJsonNameBreaksAvroAlone() {
        Change c = ContractDiff.compare(N1.Named.class, N2.Named.class).stream()
                .filter(x -> x.kind() == Change.Kind.FIELD_RENAMED).findFirst().orElseThrow();

        assertThat(c.location()).isEqualTo("named.put(item) > NamedKept.code");
        assertThat(c.breaks()).isEqualTo(Map.of(Format.AVRO, Set.of(Direction.values())));
        assertThat(c.description()).startsWith("field sku renamed code (JSON sku -> sku) (Protobuf 1, kept;");
    }

    @Test
    void theSameContractHasNoChanges() {
        assertThat(ContractDiff.compare(V1.Shop.class, V1.Shop.class)).isEmpty();
    }

    @Test
    void anInvalidContractIsRefusedNamingIt() {
        assertThatThrownBy(() -> ContractDiff.compare(Item.class, V1.Shop.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining(Item.class.getName());
    }
}
