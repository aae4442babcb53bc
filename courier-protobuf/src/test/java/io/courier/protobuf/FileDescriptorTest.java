package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import io.courier.protobuf.Fixtures.Order;
import io.courier.protobuf.Fixtures.Shop;
import io.courier.protobuf.generated.GreetingOuterClass;
import org.junit.jupiter.api.Test;

/**
 * The descriptor Courier builds itself (for gRPC reflection, without protoc at run time) is
 * the one protoc compiles from the exported text.
 */
class FileDescriptorTest {
    private static void assertSameAsProtoc(ProtoService service) throws Exception {
        FileDescriptorProto fromProtoc = Protoc.compile(service.fileName(), service.toProto()).toProto();
        assertThat(service.toFileDescriptorProto()).isEqualTo(fromProtoc);
    }

    @Test
    void matchesProtocForEveryShape() throws Exception {
        assertSameAsProtoc(ProtoService.of(Shop.class));
        assertSameAsProtoc(ProtoService.builder(Shop.class).packageName("a.b.v1").javaPackage("com.example.grpc").build());
    }

    @Test
    void matchesProtocWithImportsOfGeneratedMessagesAndCollidingNames() throws Exception {
        assertSameAsProtoc(ProtoService.of(ProtoServiceTest.Colliding.class));
    }

    @Test
    void buildsAFileDescriptorThatParsesTheCodecsBytes() throws Exception {
        ProtoService service = ProtoService.of(Shop.class);
        assertThat(service.fileName()).isEqualTo("shop_front/shop.proto");
        FileDescriptor file = FileDescriptor.buildFrom(service.toFileDescriptorProto(), new FileDescriptor[] {
                DurationProto.getDescriptor(), EmptyProto.getDescriptor(), TimestampProto.getDescriptor(),
                WrappersProto.getDescriptor()});
        Descriptor order = file.findMessageTypeByName("Order");
        RandomValues random = new RandomValues(11);
        for (int run = 0; run < 50; run++) {
            Order value = random.of(Order.class);
            assertThat(DynamicMessage.parseFrom(order, ProtobufCodec.create().encode(value, Order.class)))
                    .isEqualTo(Oracle.message(value, order));
        }
        assertThat(file.findServiceByName("Shop").findMethodByName("Items").getOutputType().getName())
                .isEqualTo("ItemsResponse");
        assertThat(GreetingOuterClass.getDescriptor().getName()).isEqualTo("greeting.proto");
    }
}
