package io.courier.protobuf;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.protobuf.internal.BodyCodec;
import io.courier.protobuf.internal.FieldSlot;
import io.courier.protobuf.internal.GeneratedType;
import io.courier.protobuf.internal.MessageCodec;
import io.courier.protobuf.internal.TypeMapping;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One method of a contract as a Protobuf rpc: its arguments as the request message and its
 * result as the response message, exactly as {@link ProtoService#toProto()} declares them. What
 * the gRPC transport sends. Obtain one from {@link ProtoService#method(String)}; immutable and
 * thread-safe.
 *
 * <pre>{@code
 * MethodCodec create = ProtoService.of(OrderService.class).method("create").orElseThrow();
 * byte[] request = create.encodeRequest(new Object[] {order});
 * Object[] args = create.decodeRequest(request);
 * }</pre>
 *
 * <p>The request message is:
 * <ul>
 *   <li>{@code google.protobuf.Empty} for a method without parameters;</li>
 *   <li>the parameter's own message when the only parameter is a record or a protoc-generated
 *       message;</li>
 *   <li>otherwise {@code <Rpc>Request}, whose field <i>n</i> is the <i>n</i>-th parameter
 *       (path, query, header or body alike), named after its path variable, query parameter
 *       or header in snake_case, or after the Java parameter for the body.</li>
 * </ul>
 * The response message is {@code google.protobuf.Empty} for {@code void}, the result's own
 * message for a record or generated message, and otherwise a one-field message ({@code value =
 * 1}): a standard wrapper such as {@code google.protobuf.StringValue} for a string, number,
 * boolean or {@code byte[]}, else {@code <Rpc>Response}. A {@code CompletableFuture<T>} result
 * is {@code T}.
 */
public final class MethodCodec {
    /** What a request message is. */
    enum RequestKind { EMPTY, MESSAGE, FIELDS }

    private final MethodDescriptor method;
    private final String path;
    private final RequestKind requestKind;
    private final MessageCodec requestFields;
    private final BodyCodec requestBody;
    private final BodyCodec responseBody;

    MethodCodec(String serviceFullName, MethodDescriptor method) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = "/" + serviceFullName + "/" + rpcName(method);
        List<ParameterDescriptor> params = method.parameters();
        if (params.isEmpty()) {
            requestKind = RequestKind.EMPTY;
            requestFields = null;
            requestBody = BodyCodec.of(void.class);
        } else if (params.size() == 1 && isMessage(params.get(0).type())) {
            requestKind = RequestKind.MESSAGE;
            requestFields = null;
            requestBody = BodyCodec.of(params.get(0).type());
        } else {
            requestKind = RequestKind.FIELDS;
            String owner = rpcName(method) + "Request";
            List<FieldSlot> fields = new ArrayList<>();
            for (ParameterDescriptor p : params) {
                fields.add(TypeMapping.slot(owner, p.index() + 1, p.name(), p.type()));
            }
            requestFields = MessageCodec.arguments(owner, fields);
            requestBody = null;
        }
        responseBody = BodyCodec.of(method.resultType());
    }

    static boolean isMessage(Type type) {
        return type instanceof Class<?> c && (c.isRecord() || GeneratedType.isGenerated(c));
    }

    static String rpcName(MethodDescriptor method) {
        String n = method.name();
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /** The contract method. */
    public MethodDescriptor descriptor() {
        return method;
    }

    /** The rpc's name in the {@code .proto} file: the Java name with a capital, e.g. {@code GetOrder}. */
    public String rpcName() {
        return rpcName(method);
    }

    /** The gRPC path, {@code /package.Service/Rpc}. */
    public String path() {
        return path;
    }

    RequestKind requestKind() {
        return requestKind;
    }

    /** The request's fields, when it is a {@code <Rpc>Request} message; null otherwise. */
    MessageCodec requestFields() {
        return requestFields;
    }

    /** The request message holding {@code args}, the method's arguments in signature order. */
    public byte[] encodeRequest(Object[] args) {
        Objects.requireNonNull(args, "args");
        if (args.length != method.parameters().size()) {
            throw new IllegalArgumentException("args: " + args.length + " values (expected: "
                    + method.parameters().size() + " for " + method.fullName() + ")");
        }
        return switch (requestKind) {
            case EMPTY -> new byte[0];
            case MESSAGE -> requestBody.encode(args[0]);
            case FIELDS -> requestFields.encode(args);
        };
    }

    /**
     * The arguments in a request message, in signature order.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public Object[] decodeRequest(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return switch (requestKind) {
            case EMPTY -> new Object[0];
            case MESSAGE -> new Object[] {requestBody.decode(bytes)};
            case FIELDS -> (Object[]) requestFields.decode(bytes);
        };
    }

    /** The response message holding {@code result} (null for {@code void}). */
    public byte[] encodeResponse(Object result) {
        return responseBody.encode(result);
    }

    /**
     * The result in a response message (null for {@code void}).
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public Object decodeResponse(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return responseBody.decode(bytes);
    }

    @Override
    public String toString() {
        return "MethodCodec[" + path + "]";
    }
}
