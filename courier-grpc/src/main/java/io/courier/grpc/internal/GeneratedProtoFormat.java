package io.courier.grpc.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.grpc.MessageFormat;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * {@code application/grpc+proto} for contracts written with protoc-generated message classes:
 * the request is the method's one message parameter (or {@code google.protobuf.Empty} without
 * parameters) and the response its message result (or {@code Empty} for {@code void}).
 * Records and other types need the Protobuf mapping of {@code courier-protobuf}.
 */
final class GeneratedProtoFormat implements MessageFormat {
    private static final byte[] EMPTY = new byte[0];

    @Override
    public String name() {
        return "proto";
    }

    @Override
    public Optional<MessageCodec> codec(ServiceDescriptor service, MethodDescriptor method) {
        Type request;
        if (method.streaming().requests()) {
            request = method.requestStreamType().orElseThrow();
        } else if (method.parameters().isEmpty()) {
            request = void.class;
        } else if (method.parameters().size() == 1) {
            request = method.parameters().get(0).type();
        } else {
            return Optional.empty();
        }
        Parser<?> requestParser = parser(request);
        Parser<?> responseParser = method.returnsVoid() ? null : parser(method.resultType());
        if (requestParser == null && request != void.class || responseParser == null && !method.returnsVoid()) {
            return Optional.empty();
        }
        return Optional.of(new MessageCodec() {
            @Override
            public byte[] encodeRequest(Object[] args) {
                return requestParser == null ? EMPTY : ((MessageLite) args[0]).toByteArray();
            }

            @Override
            public Object[] decodeRequest(byte[] bytes) {
                return requestParser == null ? new Object[0] : new Object[] {parse(requestParser, bytes, "request")};
            }

            @Override
            public byte[] encodeResponse(Object result) {
                return responseParser == null || result == null ? EMPTY : ((MessageLite) result).toByteArray();
            }

            @Override
            public Object decodeResponse(byte[] bytes) {
                return responseParser == null ? null : parse(responseParser, bytes, "response");
            }
        });
    }

    private static Object parse(Parser<?> parser, byte[] bytes, String what) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidArgumentException(what + " message: invalid Protobuf (" + e.getMessage() + ")");
        }
    }

    /** The parser of a generated message class; null for anything else. */
    private static Parser<?> parser(Type type) {
        if (!(type instanceof Class<?> c) || !Messages.isGenerated(c)) {
            return null;
        }
        try {
            return (Parser<?>) c.getMethod("parser").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
