/**
 * The Protobuf codec: protoc-generated messages and plain Java records on the Protobuf wire
 * format ({@code application/x-protobuf}), and the {@code .proto} export of a contract.
 * Found by {@code Courier} through {@link java.util.ServiceLoader}.
 */
// protobuf-java is an automatic module; it is transitive because ProtoService returns its
// FileDescriptorProto and the codec reads and writes its generated messages.
@SuppressWarnings("requires-transitive-automatic")
module io.courier.protobuf {
    requires transitive io.courier.core;
    requires transitive com.google.protobuf;

    exports io.courier.protobuf;

    provides io.courier.spi.Codec with io.courier.protobuf.ProtobufCodec;
    provides io.courier.spi.ContractExporter with io.courier.protobuf.internal.ProtoExporter;
}
