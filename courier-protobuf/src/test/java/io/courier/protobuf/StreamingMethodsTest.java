package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import io.courier.annotation.Service;
import io.courier.protobuf.Fixtures.Color;
import io.courier.protobuf.Fixtures.Item;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Contracts with {@code Stream<T>} parameters and results: each element is one message of the
 * rpc's {@code stream} side, declared as protoc would and encoded as the declared message.
 */
class StreamingMethodsTest {
    record Tick(long n) {
    }

    @Service("ticks")
    interface Ticks {
        Tick one(long n);

        Stream<Tick> count(Tick upTo);

        Tick sum(Stream<Tick> ticks);

        Stream<Tick> doubled(Stream<Tick> ticks);

        long total(Stream<Long> values);

        Stream<String> colors(Stream<Color> colors);

        Stream<Item> items(Stream<Item> items);
    }

    @Test
    void declaresStreamingRpcsWithTheElementAsMessage() {
        assertThat(ProtoService.of(Ticks.class).toProto()).isEqualTo("""
                // The Protobuf view of io.courier.protobuf.StreamingMethodsTest$Ticks, exported by Courier.
                // Field numbers are part of the contract: see docs/protobuf.md before changing a record.
                syntax = "proto3";

                package ticks;

                import "google/protobuf/wrappers.proto";

                service Ticks {
                  rpc Colors(stream .ticks.ColorsRequest) returns (stream .google.protobuf.StringValue);
                  rpc Count(.ticks.Tick) returns (stream .ticks.Tick);
                  rpc Doubled(stream .ticks.Tick) returns (stream .ticks.Tick);
                  rpc Items(stream .ticks.Item) returns (stream .ticks.Item);
                  rpc One(.ticks.OneRequest) returns (.ticks.Tick);
                  rpc Sum(stream .ticks.Tick) returns (.ticks.Tick);
                  rpc Total(stream .google.protobuf.Int64Value) returns (.google.protobuf.Int64Value);
                }

                message ColorsRequest {
                  Color value = 1;
                }

                message OneRequest {
                  int64 n = 1;
                }

                enum Color {
                  COLOR_RED = 0;
                  COLOR_GREEN = 1;
                  COLOR_BLUE = 2;
                }

                message Tick {
                  int64 n = 1;
                }

                message Item {
                  string sku = 1;
                  int32 quantity = 2;
                  Color color = 3;
                }
                """);
    }

    @Test
    void theDescriptorIsWhatProtocCompiles() throws Exception {
        ProtoService ticks = ProtoService.of(Ticks.class);
        FileDescriptor compiled = Protoc.compile(ticks.fileName(), ticks.toProto());

        assertThat(ticks.toFileDescriptorProto()).isEqualTo(compiled.toProto());
        MethodDescriptor doubled = compiled.findServiceByName("Ticks").findMethodByName("Doubled");
        assertThat(doubled.isClientStreaming()).isTrue();
        assertThat(doubled.isServerStreaming()).isTrue();
        MethodDescriptor one = compiled.findServiceByName("Ticks").findMethodByName("One");
        assertThat(one.isClientStreaming()).isFalse();
        assertThat(one.isServerStreaming()).isFalse();
    }

    @Test
    void eachStreamElementIsOneRequestMessage() throws Exception {
        ProtoService ticks = ProtoService.of(Ticks.class);
        FileDescriptor file = Protoc.compile(ticks.fileName(), ticks.toProto());

        MethodCodec sum = ticks.method("sum").orElseThrow();
        byte[] tick = sum.encodeRequest(new Object[] {new Tick(42)});
        assertThat(tick).isEqualTo(ProtobufCodec.create().encode(new Tick(42), Tick.class));
        assertThat(sum.decodeRequest(tick)).containsExactly(new Tick(42));

        MethodCodec total = ticks.method("total").orElseThrow();
        byte[] value = total.encodeRequest(new Object[] {7L});
        com.google.protobuf.Descriptors.Descriptor int64Value =
                file.findServiceByName("Ticks").findMethodByName("Total").getInputType();
        assertThat(int64Value.getFullName()).isEqualTo("google.protobuf.Int64Value");
        assertThat(DynamicMessage.parseFrom(int64Value, value).getField(int64Value.findFieldByName("value"))).isEqualTo(7L);
        assertThat(total.decodeRequest(value)).containsExactly(7L);

        MethodCodec colors = ticks.method("colors").orElseThrow();
        byte[] blue = colors.encodeRequest(new Object[] {Color.BLUE});
        DynamicMessage parsed = DynamicMessage.parseFrom(file.findMessageTypeByName("ColorsRequest"), blue);
        assertThat(parsed.getField(file.findMessageTypeByName("ColorsRequest").findFieldByName("value")))
                .hasToString("COLOR_BLUE");
        assertThat(colors.decodeRequest(blue)).containsExactly(Color.BLUE);
        assertThat(colors.decodeResponse(colors.encodeResponse("red"))).isEqualTo("red");

        assertThatThrownBy(() -> sum.encodeRequest(new Object[] {new Tick(1), new Tick(2)}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("args: 2 values (expected: 1 for ticks.sum, one stream element)");
    }

    @Test
    void responseStreamsCarryOneElementPerMessage() {
        MethodCodec count = ProtoService.of(Ticks.class).method("count").orElseThrow();

        assertThat(count.decodeRequest(count.encodeRequest(new Object[] {new Tick(3)}))).containsExactly(new Tick(3));
        assertThat(count.decodeResponse(count.encodeResponse(new Tick(2)))).isEqualTo(new Tick(2));
    }

    @Test
    void theDefaultPackageAndFieldNamesArePublicRules() {
        assertThat(ProtoService.defaultPackage("orderService")).isEqualTo("order_service");
        assertThat(ProtoService.defaultPackage("shop.v1")).isEqualTo("shop.v1");
        assertThat(ProtoService.defaultPackage("shopFront.ordersV2")).isEqualTo("shop_front.orders_v2");
        assertThat(ProtoService.fieldName("X-Request-Id")).isEqualTo("x_request_id");
        assertThat(ProtoService.of(Ticks.class).packageName()).isEqualTo(ProtoService.defaultPackage("ticks"));
    }
}
