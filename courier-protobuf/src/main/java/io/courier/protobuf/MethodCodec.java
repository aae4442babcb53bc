package io.courier.protobuf;

import io.courier.Limits;
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
 * A method that streams its requests (a {@code Stream<T>} parameter) sends each element as
 * its own request message ({@code rpc X(stream T)}): {@code T}'s message for a record or a
 * generated message, otherwise a one-field message as for a response (a standard wrapper, else
 * {@code <Rpc>Request} with {@code value = 1}); {@link #encodeRequest(Object[])} then takes and
 * {@link #decodeRequest(byte[])} gives one element in a one-element array.
 * The response message is {@code google.protobuf.Empty} for {@code void}, the result's own
 * message for a record or generated message, and otherwise a one-field message ({@code value =
 * 1}): a standard wrapper such as {@code google.protobuf.StringValue} for a string, number,
 * boolean or {@code byte[]}, else {@code <Rpc>Response}. A {@code CompletableFuture<T>} result
 * is {@code T}, and so is one element of a {@code Stream<T>} result ({@code returns (stream T)}).
 */
public final class MethodCodec {
    /** What a request message is. */
    enum RequestKind {
        /** No parameters: {@code google.protobuf.Empty}. */
        EMPTY,
        /** The only parameter, or one element of a request stream, is a message of its own. */
        MESSAGE,
        /** A {@code <Rpc>Request} message of the parameters. */
        FIELDS,
        /** One element of a request stream that is no message: wrapped in field 1. */
        VALUE
    }

    private final MethodDescriptor method;
    private final String path;
    private final RequestKind requestKind;
    private final Type requestType;
    private final MessageCodec requestFields;
    private final BodyCodec requestBody;
    private final BodyCodec responseBody;

    MethodCodec(String serviceFullName, MethodDescriptor method) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = "/" + serviceFullName + "/" + rpcName(method);
        List<ParameterDescriptor> params = method.parameters();
        Type element = method.requestStreamType().orElse(null);
        if (element != null) {
            requestKind = isMessage(element) ? RequestKind.MESSAGE : RequestKind.VALUE;
            requestType = element;
            requestFields = null;
            requestBody = BodyCodec.of(element);
        } else if (params.isEmpty()) {
            requestKind = RequestKind.EMPTY;
            requestType = void.class;
            requestFields = null;
            requestBody = BodyCodec.of(void.class);
        } else if (params.size() == 1 && isMessage(params.get(0).type())) {
            requestKind = RequestKind.MESSAGE;
            requestType = params.get(0).type();
            requestFields = null;
            requestBody = BodyCodec.of(params.get(0).type());
        } else {
            requestKind = RequestKind.FIELDS;
            requestType = null;
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

    /**
     * The Java type one request message carries: the only parameter's or the stream element's
     * type, {@code void} for none; null for a {@code <Rpc>Request} of the parameters.
     */
    Type requestType() {
        return requestType;
    }

    /** Whether the rpc streams its requests ({@code rpc X(stream T)}). */
    boolean streamsRequests() {
        return method.streaming().requests();
    }

    /** Whether the rpc streams its responses ({@code returns (stream T)}). */
    boolean streamsResponses() {
        return method.streaming().responses();
    }

    /** The request's fields, when it is a {@code <Rpc>Request} message; null otherwise. */
    MessageCodec requestFields() {
        return requestFields;
    }

    /**
     * The request message holding {@code args}, the method's arguments in signature order (for
     * a method that streams its requests, one element).
     */
    public byte[] encodeRequest(Object[] args) {
        Objects.requireNonNull(args, "args");
        // A request stream's message holds one element, so one argument whatever the signature.
        int expected = streamsRequests() ? 1 : method.parameters().size();
        if (args.length != expected) {
            throw new IllegalArgumentException("args: " + args.length + " values (expected: " + expected + " for "
                    + method.fullName() + (streamsRequests() ? ", one stream element" : "") + ")");
        }
        return switch (requestKind) {
            case EMPTY -> new byte[0];
            case MESSAGE, VALUE -> requestBody.encode(args[0]);
            case FIELDS -> requestFields.encode(args);
        };
    }

    /**
     * The arguments in a request message, in signature order (for a method that streams its
     * requests, one element), decoded within {@link Limits#defaults()}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public Object[] decodeRequest(byte[] bytes) {
        return decodeRequest(bytes, Limits.defaults());
    }

    /**
     * The arguments in a request message, decoded within {@code limits}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem, or the
     *         limit passed
     */
    public Object[] decodeRequest(byte[] bytes, Limits limits) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(limits, "limits");
        return switch (requestKind) {
            case EMPTY -> new Object[0];
            case MESSAGE, VALUE -> new Object[] {requestBody.decode(bytes, limits)};
            case FIELDS -> (Object[]) requestFields.decode(bytes, limits);
        };
    }

    /** The response message holding {@code result} (null for {@code void}). */
    public byte[] encodeResponse(Object result) {
        return responseBody.encode(result);
    }

    /**
     * The result in a response message (null for {@code void}), decoded within {@link Limits#defaults()}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public Object decodeResponse(byte[] bytes) {
        return decodeResponse(bytes, Limits.defaults());
    }

    /**
     * The result in a response message, decoded within {@code limits}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem, or the
     *         limit passed
     */
    public Object decodeResponse(byte[] bytes, Limits limits) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(limits, "limits");
        return responseBody.decode(bytes, limits);
    }

    @Override
    public String toString() {
        return "MethodCodec[" + path + "]";
    }
}
