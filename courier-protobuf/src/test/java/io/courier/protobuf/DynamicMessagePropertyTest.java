package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.courier.protobuf.Fixtures.Boxes;
import io.courier.protobuf.Fixtures.Color;
import io.courier.protobuf.Fixtures.Item;
import io.courier.protobuf.Fixtures.Order;
import io.courier.protobuf.Fixtures.OrderV1;
import io.courier.protobuf.Fixtures.Scalars;
import io.courier.protobuf.Fixtures.Shop;
import io.courier.protobuf.Fixtures.Tree;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The record codec against protobuf-java's own reading of the exported schema: the schema is
 * compiled by the real protoc, and random records go both ways, codec bytes into
 * {@link DynamicMessage} and {@link DynamicMessage} bytes into the codec.
 */
class DynamicMessagePropertyTest {
    private static final int RUNS = 300;
    // Exact numbers (AssertJ compares floating point loosely by default); sets in any order.
    static final RecursiveComparisonConfiguration EXACT = RecursiveComparisonConfiguration.builder()
            .withComparatorForType(Double::compare, Double.class)
            .withComparatorForType(Float::compare, Float.class)
            .withIgnoredCollectionOrderInFieldsMatchingRegexes(".*colors")
            .build();
    private static final ProtobufCodec CODEC = ProtobufCodec.create();
    private static ProtoService service;
    private static FileDescriptor file;

    @BeforeAll
    static void compileExportedSchema() throws Exception {
        service = ProtoService.of(Shop.class);
        file = Protoc.compile("shop.proto", service.toProto());
    }

    private static Descriptor message(String name) {
        Descriptor d = file.findMessageTypeByName(name);
        assertThat(d).as("message %s in the exported schema", name).isNotNull();
        return d;
    }

    @ParameterizedTest
    @ValueSource(classes = {Order.class, Scalars.class, Boxes.class, Item.class, Tree.class})
    void codecBytesParseAsTheSameMessage(Class<?> type) throws Exception {
        RandomValues random = new RandomValues(type.getName().hashCode());
        Descriptor descriptor = message(type.getSimpleName());
        for (int run = 0; run < RUNS; run++) {
            Object value = random.of(type);
            DynamicMessage parsed = DynamicMessage.parseFrom(descriptor, CODEC.encode(value, type));
            assertThat(parsed).as("run %d: %s", run, value).isEqualTo(Oracle.message(value, descriptor));
            assertThat(parsed.getUnknownFields().asMap()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {Order.class, Scalars.class, Boxes.class, Item.class, Tree.class})
    void dynamicMessageBytesDecodeToTheSameRecord(Class<?> type) {
        RandomValues random = new RandomValues(~type.getName().hashCode());
        Descriptor descriptor = message(type.getSimpleName());
        for (int run = 0; run < RUNS; run++) {
            Object value = random.of(type);
            byte[] bytes = Oracle.message(value, descriptor).toByteArray();
            assertThat(CODEC.decode(bytes, type)).as("run %d", run).usingRecursiveComparison(EXACT).isEqualTo(value);
        }
    }

    @Test
    void aReaderWithFewerFieldsReadsANewerWritersMessage() {
        RandomValues random = new RandomValues(42);
        for (int run = 0; run < RUNS; run++) {
            Order order = random.of(Order.class);
            OrderV1 old = (OrderV1) CODEC.decode(CODEC.encode(order, Order.class), OrderV1.class);
            assertThat(old).usingRecursiveComparison(EXACT).isEqualTo(new OrderV1(order.id(), order.items(), order.main()));
        }
    }

    @Test
    void aNewerReaderReadsAnOlderWritersMessageWithDefaults() {
        OrderV1 old = new OrderV1("o-1", List.of(new Item("sku", 2, Color.BLUE)), null);
        Order order = (Order) CODEC.decode(CODEC.encode(old, OrderV1.class), Order.class);
        assertThat(order.id()).isEqualTo("o-1");
        assertThat(order.items()).containsExactly(new Item("sku", 2, Color.BLUE));
        assertThat(order.counts()).isEmpty();
        assertThat(order.note()).isEmpty();
        assertThat(order.createdAt()).isNull();
        assertThat(order.priority()).isNull();
        assertThat(order.maybe()).isEmpty();
        assertThat(order.blobs()).isEmpty();
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() throws Exception {
        Descriptor descriptor = message("Item");
        DynamicMessage withExtras = Oracle.message(new Item("sku", 3, Color.GREEN), descriptor).toBuilder()
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(50, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                        .addField(51, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
                        .addField(52, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addFixed64(7).build())
                        .addField(53, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("newer")).build())
                        .build())
                .build();
        assertThat(CODEC.decode(withExtras.toByteArray(), Item.class)).isEqualTo(new Item("sku", 3, Color.GREEN));
    }

    @Test
    void anEnumNumberThisSideDoesNotKnowReadsAsNullAndIsDroppedFromLists() throws Exception {
        Descriptor order = message("Order");
        DynamicMessage m = DynamicMessage.newBuilder(order)
                .setField(order.findFieldByName("id"), "o")
                // proto3 enums are open: a newer peer may send numbers this side never heard of.
                .setField(order.findFieldByName("priority"),
                        order.findFieldByName("priority").getEnumType().findValueByNumberCreatingIfUnknown(77))
                .addRepeatedField(order.findFieldByName("colors"),
                        order.findFieldByName("colors").getEnumType().findValueByNumberCreatingIfUnknown(99))
                .addRepeatedField(order.findFieldByName("colors"),
                        order.findFieldByName("colors").getEnumType().findValueByNumber(2))
                .build();
        Order decoded = (Order) CODEC.decode(m.toByteArray(), Order.class);
        assertThat(decoded.priority()).isNull();
        assertThat(decoded.colors()).containsExactly(Color.BLUE);
    }

    @Test
    void requestMessagesOfSeveralParametersMatchTheExportedRequestType() throws Exception {
        MethodCodec items = service.method("items").orElseThrow();
        Descriptor request = message("ItemsRequest");
        DynamicMessage parsed = DynamicMessage.parseFrom(request, items.encodeRequest(new Object[] {Color.GREEN, 5, "r-1"}));
        assertThat(parsed.getField(request.findFieldByName("color"))).isEqualTo(request.findFieldByName("color").getEnumType().findValueByNumber(1));
        assertThat(parsed.getField(request.findFieldByName("limit"))).isEqualTo(5);
        assertThat(parsed.getField(request.findFieldByName("x_request_id"))).isEqualTo("r-1");

        Descriptor response = message("ItemsResponse");
        FieldDescriptor value = response.findFieldByName("value");
        DynamicMessage result = DynamicMessage.newBuilder(response)
                .addRepeatedField(value, Oracle.message(new Item("a", 1, Color.RED), value.getMessageType()))
                .addRepeatedField(value, Oracle.message(new Item("b", 2, Color.BLUE), value.getMessageType()))
                .build();
        assertThat(items.decodeResponse(result.toByteArray()))
                .isEqualTo(List.of(new Item("a", 1, Color.RED), new Item("b", 2, Color.BLUE)));
    }

    @Test
    void wellKnownWrappersCarryScalarResultsAndParameters() throws Exception {
        MethodCodec name = service.method("name").orElseThrow();
        UUID id = new UUID(1, 2);
        Descriptor request = message("NameRequest");
        DynamicMessage parsed = DynamicMessage.parseFrom(request, name.encodeRequest(new Object[] {id}));
        assertThat(parsed.getField(request.findFieldByName("id"))).isEqualTo(id.toString());
        assertThat(name.decodeRequest(parsed.toByteArray())).containsExactly(id);

        byte[] response = name.encodeResponse("Ada");
        assertThat(com.google.protobuf.StringValue.parseFrom(response).getValue()).isEqualTo("Ada");
        assertThat(name.decodeResponse(com.google.protobuf.StringValue.of("Grace").toByteArray())).isEqualTo("Grace");

        MethodCodec count = service.method("count").orElseThrow();
        assertThat(com.google.protobuf.Int64Value.parseFrom(count.encodeResponse(7L)).getValue()).isEqualTo(7L);
        Descriptor countRequest = message("CountRequest");
        Instant since = Instant.parse("2024-05-01T10:15:30.5Z");
        DynamicMessage countParsed = DynamicMessage.parseFrom(countRequest,
                count.encodeRequest(new Object[] {new Item("x", 1, Color.RED), since}));
        DynamicMessage ts = (DynamicMessage) countParsed.getField(countRequest.findFieldByName("since"));
        assertThat(com.google.protobuf.Timestamp.parseFrom(ts.toByteArray()))
                .isEqualTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(since.getEpochSecond()).setNanos(500_000_000).build());

        MethodCodec ping = service.method("ping").orElseThrow();
        assertThat(ping.encodeRequest(new Object[0])).isEmpty();
        assertThat(ping.encodeResponse(null)).isEmpty();
        assertThat(ping.decodeResponse(com.google.protobuf.Empty.getDefaultInstance().toByteArray())).isNull();
    }
}
