package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FileDescriptor;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.contract.InvalidContractException;
import io.courier.protobuf.Fixtures.Color;
import io.courier.protobuf.Fixtures.Item;
import io.courier.protobuf.Fixtures.Shop;
import io.courier.protobuf.generated.Greeting;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProtoServiceTest {
    enum Size { SMALL, LARGE }

    record Line(String sku, int quantity) {
    }

    record Cart(String id, List<Line> lines, Size size) {
    }

    @Service("carts")
    interface Carts {
        @Get("/carts/{id}")
        Cart get(@Path("id") String id);

        void clear(Cart cart);
    }

    @Test
    void exportsTheContractAsProto3() {
        String proto = ProtoService.builder(Carts.class).packageName("shop.carts.v1").javaPackage("com.example.carts.grpc")
                .build().toProto();
        assertThat(proto).isEqualTo("""
                // The Protobuf view of io.courier.protobuf.ProtoServiceTest$Carts, exported by Courier.
                // Field numbers are part of the contract: see docs/protobuf.md before changing a record.
                syntax = "proto3";

                package shop.carts.v1;

                import "google/protobuf/empty.proto";

                option java_package = "com.example.carts.grpc";
                option java_multiple_files = true;

                service Carts {
                  rpc Clear(.shop.carts.v1.Cart) returns (.google.protobuf.Empty);
                  rpc Get(.shop.carts.v1.GetRequest) returns (.shop.carts.v1.Cart);
                }

                message GetRequest {
                  string id = 1;  // @Path("id")
                }

                message Cart {
                  string id = 1;
                  repeated Line lines = 2;
                  Size size = 3;
                }

                message Line {
                  string sku = 1;
                  int32 quantity = 2;
                }

                enum Size {
                  SIZE_SMALL = 0;
                  SIZE_LARGE = 1;
                }
                """);
    }

    @Test
    void namesThePackageServiceAndRpcs() {
        ProtoService shop = ProtoService.of(Shop.class);
        assertThat(shop.packageName()).isEqualTo("shop_front");
        assertThat(shop.name()).isEqualTo("Shop");
        assertThat(shop.fullName()).isEqualTo("shop_front.Shop");
        assertThat(shop.javaPackage()).isEmpty();
        assertThat(shop.method("items").orElseThrow().path()).isEqualTo("/shop_front.Shop/Items");
        assertThat(shop.rpc("Items")).containsSame(shop.method("items").orElseThrow());
        assertThat(shop.rpc("items")).isEmpty();
        assertThat(shop.methods()).extracting(MethodCodec::rpcName)
                .containsExactly("Boxes", "Count", "Due", "Echo", "Index", "Items", "Name", "Ping", "Scalars", "Tree");
        assertThatThrownBy(() -> ProtoService.builder(Shop.class).packageName("1bad"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packageName: 1bad (expected:");
    }

    @Test
    void requestsAndResponsesRoundTripThroughMethodCodecs() {
        ProtoService shop = ProtoService.of(Shop.class);
        MethodCodec items = shop.method("items").orElseThrow();
        Object[] args = {Color.BLUE, 3, "req-1"};
        assertThat(items.decodeRequest(items.encodeRequest(args))).containsExactly(args);
        assertThat(items.decodeRequest(new byte[0])).containsExactly(Color.RED, 0, "");
        List<Item> result = List.of(new Item("a", 1, Color.GREEN));
        assertThat(items.decodeResponse(items.encodeResponse(result))).isEqualTo(result);

        MethodCodec echo = shop.method("echo").orElseThrow();
        Fixtures.Order order = new RandomValues(5).of(Fixtures.Order.class);
        // The only parameter is a record: the request is the record's own message.
        assertThat(echo.encodeRequest(new Object[] {order})).isEqualTo(ProtobufCodec.create().encode(order, Fixtures.Order.class));
        assertThat(echo.decodeRequest(echo.encodeRequest(new Object[] {order}))[0])
                .usingRecursiveComparison(DynamicMessagePropertyTest.EXACT).isEqualTo(order);

        MethodCodec due = shop.method("due").orElseThrow();
        assertThat(due.decodeResponse(due.encodeResponse(Optional.empty()))).isEqualTo(Optional.empty());

        assertThatThrownBy(() -> items.encodeRequest(new Object[] {Color.RED}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("args: 1 values (expected: 3 for shopFront.items)");
    }

    static final class Outer {
        record Line(String text) {
        }
    }

    record FindRequest(String q) {
    }

    @Service("collide")
    interface Colliding {
        @Get("/carts/{id}")
        Cart get(@Path("id") String id);

        Outer.Line other(Outer.Line line);

        Line mine(Line line);

        FindRequest find(FindRequest request);

        Greeting greet(Greeting greeting);

        Optional<Greeting> maybe(@Query("name") String name);
    }

    @Test
    void collidingNamesAreQualifiedAndProtocAcceptsTheResult() throws Exception {
        ProtoService service = ProtoService.of(Colliding.class);
        String proto = service.toProto();
        assertThat(proto)
                .contains("message ProtoServiceTestLine {", "message OuterLine {", "message FindRequest {")
                .doesNotContain("FindRequest2", "Line2")
                .contains("import \"greeting.proto\";")
                .contains("rpc Greet(.courier.test.Greeting) returns (.courier.test.Greeting);")
                .contains("optional .courier.test.Greeting value = 1;");
        FileDescriptor file = Protoc.compile("collide.proto", proto);
        assertThat(file.findServiceByName("Colliding").getMethods()).hasSize(6);
        assertThat(file.findServiceByName("Colliding").findMethodByName("Find").getInputType().getName())
                .isEqualTo("FindRequest");
        assertThat(file.findServiceByName("Colliding").findMethodByName("Find").getOutputType().getName())
                .isEqualTo("FindRequest");

        Greeting g = Greeting.newBuilder().setText("hi").build();
        MethodCodec greet = service.method("greet").orElseThrow();
        assertThat(greet.decodeRequest(greet.encodeRequest(new Object[] {g}))).containsExactly(g);
        MethodCodec maybe = service.method("maybe").orElseThrow();
        assertThat(maybe.decodeResponse(maybe.encodeResponse(Optional.of(g)))).isEqualTo(Optional.of(g));
    }

    @Service("twoLines")
    interface TwoLines {
        io.courier.protobuf.mine.Line mine(io.courier.protobuf.mine.Line line);

        io.courier.protobuf.other.Line theirs(io.courier.protobuf.other.Line line);
    }

    @Test
    void twoRecordsOfOneSimpleNameInTwoPackagesAreRefusedNamingBoth() {
        assertThatThrownBy(() -> ProtoService.of(TwoLines.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessage(TwoLines.class.getName() + ": io.courier.protobuf.other.Line and "
                        + "io.courier.protobuf.mine.Line would both be the Protobuf message Line (expected: distinct"
                        + " simple names; rename one, or nest it in a class whose name qualifies it)");
    }

    @Service("madeUp")
    interface MadeUpCollision {
        FindRequest find(@Query("q") String q, @Query("n") int n);

        String other(FindRequest request);
    }

    @Test
    void aMadeUpRequestMessageNamedLikeARecordIsRefusedNotNumbered() {
        assertThatThrownBy(() -> ProtoService.of(MadeUpCollision.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessage(MadeUpCollision.class.getName() + ".find: its request message would be FindRequest,"
                        + " a name a record or enum of the contract already has (expected: distinct names; rename"
                        + " the record, or take it as the method's one parameter)");
    }

    enum Mixed { @Field(3) A, B }

    record HasMixed(Mixed mixed) {
    }

    @Service("bad")
    interface Arrays {
        int sum(int[] values);
    }

    @Service("mixed")
    interface MixedEnum {
        void take(HasMixed value);
    }

    @Service("lists")
    interface NestedLists {
        @Get("/x")
        List<List<String>> lists();
    }

    @Test
    void typesProtobufCannotCarryAreRefusedWhenTheServiceIsBuilt() {
        assertThatThrownBy(() -> ProtoService.of(Arrays.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessageStartingWith("SumRequest.values: type int[] (expected: a record, enum");
        assertThatThrownBy(() -> ProtoService.of(MixedEnum.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessage("Mixed: 1 of 2 constants have @Field (expected: all of them or none)");
        assertThatThrownBy(() -> ProtoService.of(NestedLists.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessageContaining("nested in a collection, map or Optional");
    }
}
