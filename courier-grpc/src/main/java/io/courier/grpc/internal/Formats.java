package io.courier.grpc.internal;

import io.courier.Limits;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.grpc.MessageFormat;
import io.courier.protobuf.ProtoService;
import io.courier.spi.Codecs;
import io.vertx.grpc.common.WireFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The Protobuf and JSON formats of one transport, with each method's codecs made once. */
final class Formats {
    private final MessageFormat proto;
    private final MessageFormat json;
    private final ProtoFormat exported;
    private final Map<MethodDescriptor, Optional<MessageCodec>> protoCodecs = new ConcurrentHashMap<>();
    private final Map<MethodDescriptor, Optional<MessageCodec>> jsonCodecs = new ConcurrentHashMap<>();

    Formats(Codecs codecs, List<MessageFormat> custom, Limits limits) {
        ProtoFormat builtIn = new ProtoFormat(limits);
        MessageFormat p = builtIn;
        MessageFormat j = new JsonFormat(codecs.forContentType("application/json").orElse(null), limits);
        for (MessageFormat f : custom) {
            if (f.name().equals("proto")) {
                p = f;
            } else if (f.name().equals("json")) {
                j = f;
            } else {
                throw new IllegalArgumentException("format: " + f.name() + " (expected: proto or json)");
            }
        }
        this.proto = p;
        this.json = j;
        this.exported = builtIn;
    }

    /** The contract's {@code .proto} export, as the built-in Protobuf format maps it; empty when it has none. */
    Optional<ProtoService> exported(ServiceDescriptor service) {
        return exported.proto(service);
    }

    /** The codec of {@code method} in {@code format}, if that format can carry it. */
    Optional<MessageCodec> codec(ServiceDescriptor service, MethodDescriptor method, WireFormat format) {
        return format == WireFormat.JSON
                ? jsonCodecs.computeIfAbsent(method, m -> json.codec(service, m))
                : protoCodecs.computeIfAbsent(method, m -> proto.codec(service, m));
    }

    /** Why a format cannot carry a method, and what to add. */
    static String missing(MethodDescriptor method, WireFormat format) {
        return format == WireFormat.JSON
                ? "no JSON codec for " + method.fullName() + " (expected: courier-json on the class path, or a codec for"
                        + " application/json)"
                : "no Protobuf mapping for " + method.fullName() + " (expected: courier-protobuf on the class path, or"
                        + " protoc-generated message types in the contract; or call with application/grpc+json)";
    }
}
