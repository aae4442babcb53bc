package io.courier.grpc.internal;

import io.courier.Limits;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.courier.grpc.MessageCodec;
import io.courier.grpc.MessageFormat;
import io.courier.protobuf.MethodCodec;
import io.courier.protobuf.ProtoService;
import io.courier.protobuf.ProtobufCodec;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code application/grpc+proto} through {@code courier-protobuf}: each method's messages are
 * exactly those of the contract's exported {@code .proto} ({@link ProtoService}, in the package
 * {@link GrpcNames} gives), streaming rpcs included: each element of a stream is one message,
 * as the export declares {@code stream T}.
 */
final class ProtoFormat implements MessageFormat {
    private static final Logger log = LoggerFactory.getLogger(ProtoFormat.class);
    private static final byte[] EMPTY = new byte[0];

    private final Limits limits;
    private final ProtobufCodec protobuf;
    private final Map<Class<?>, Optional<ProtoService>> services = new ConcurrentHashMap<>();

    /** Decoding every message within {@code limits}, the transport's. */
    ProtoFormat(Limits limits) {
        this.limits = limits;
        this.protobuf = ProtobufCodec.create().withLimits(limits);
    }

    @Override
    public String name() {
        return "proto";
    }

    @Override
    public Optional<MessageCodec> codec(ServiceDescriptor service, MethodDescriptor method) {
        Optional<MessageCodec> mapped = proto(service).flatMap(p -> p.method(method.name())).map(c -> new MethodCodecAdapter(c, limits));
        Messages kind = Messages.of(method);
        if (mapped.isPresent() || kind == Messages.FIELDS) {
            return mapped;
        }
        // The contract as a whole has no mapping (another method uses a type Protobuf cannot
        // carry), but this method's request is none, one message or one stream element: encode
        // it as the export would.
        Type request = switch (kind) {
            case EMPTY -> void.class;
            case ELEMENT -> method.requestStreamType().orElseThrow();
            default -> method.parameters().get(0).type();
        };
        return Optional.of(new SingleCodec(request, method));
    }

    /** The contract's Protobuf mapping; empty (logged once) when a type of it has none. */
    Optional<ProtoService> proto(ServiceDescriptor service) {
        return services.computeIfAbsent(service.type(), type -> {
            try {
                return Optional.of(ProtoService.builder(type).packageName(GrpcNames.packageName(service)).build());
            } catch (IllegalArgumentException e) { // InvalidContractException among others
                log.info("gRPC: {} has no Protobuf mapping, so it is served with JSON messages only: {}",
                        service.name(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    private record MethodCodecAdapter(MethodCodec codec, Limits limits) implements MessageCodec {
        @Override
        public byte[] encodeRequest(Object[] args) {
            return codec.encodeRequest(args);
        }

        @Override
        public Object[] decodeRequest(byte[] bytes) {
            return codec.decodeRequest(bytes, limits);
        }

        @Override
        public byte[] encodeResponse(Object result) {
            return codec.encodeResponse(result);
        }

        @Override
        public Object decodeResponse(byte[] bytes) {
            return codec.decodeResponse(bytes, limits);
        }
    }

    /** A request of one message (a stream element, or the only parameter), or none. */
    private final class SingleCodec implements MessageCodec {
        private final Type element;
        private final MethodDescriptor method;

        SingleCodec(Type element, MethodDescriptor method) {
            this.element = element;
            this.method = method;
        }

        @Override
        public byte[] encodeRequest(Object[] args) {
            return element == void.class ? EMPTY : protobuf.encode(args[0], element);
        }

        @Override
        public Object[] decodeRequest(byte[] bytes) {
            return element == void.class ? new Object[0] : new Object[] {protobuf.decode(bytes, element)};
        }

        @Override
        public byte[] encodeResponse(Object result) {
            return method.returnsVoid() ? EMPTY : protobuf.encode(result, method.resultType());
        }

        @Override
        public Object decodeResponse(byte[] bytes) {
            return method.returnsVoid() ? null : protobuf.decode(bytes, method.resultType());
        }
    }
}
