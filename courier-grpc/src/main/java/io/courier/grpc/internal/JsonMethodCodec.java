package io.courier.grpc.internal;

import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.spi.Codec;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One method's messages in JSON. A request of several parameters is an object whose members are
 * named as Protobuf's JSON mapping names the request message's fields (lowerCamelCase of the
 * snake_case field name); either spelling is read.
 */
final class JsonMethodCodec implements MessageCodec {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final Codec json;
    private final JsonMembers members;
    private final MethodDescriptor method;
    private final Messages kind;
    private final List<ParameterDescriptor> params;
    private final String[] jsonNames;
    private final String[] fieldNames;
    private final Type elementType;

    JsonMethodCodec(Codec json, JsonMembers members, MethodDescriptor method) {
        this.json = json;
        this.members = members;
        this.method = method;
        this.kind = Messages.of(method);
        this.params = method.parameters();
        this.fieldNames = new String[params.size()];
        this.jsonNames = new String[params.size()];
        for (int i = 0; i < params.size(); i++) {
            fieldNames[i] = io.courier.grpc.GrpcNames.fieldName(params.get(i).name());
            jsonNames[i] = lowerCamel(fieldNames[i]);
        }
        this.elementType = method.requestStreamType().orElse(null);
    }

    @Override
    public byte[] encodeRequest(Object[] args) {
        return switch (kind) {
            case EMPTY -> EMPTY_OBJECT;
            case MESSAGE -> json.encode(args[0], params.get(0).type());
            case ELEMENT -> json.encode(args[0], elementType);
            case FIELDS -> fields(args);
        };
    }

    private byte[] fields(Object[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(('"' + jsonNames[i] + "\":").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(json.encode(args[i], params.get(i).type()));
        }
        out.write('}');
        return out.toByteArray();
    }

    @Override
    public Object[] decodeRequest(byte[] bytes) {
        return switch (kind) {
            case EMPTY -> new Object[0];
            case MESSAGE -> new Object[] {json.decode(bytes, params.get(0).type())};
            case ELEMENT -> new Object[] {json.decode(bytes, elementType)};
            case FIELDS -> {
                Map<String, byte[]> values = members.split(bytes);
                Object[] args = new Object[params.size()];
                for (int i = 0; i < args.length; i++) {
                    byte[] value = values.get(jsonNames[i]);
                    if (value == null) {
                        value = values.get(fieldNames[i]);
                    }
                    try {
                        args[i] = json.decode(value == null ? NULL : value, params.get(i).type());
                    } catch (InvalidArgumentException e) {
                        throw new InvalidArgumentException("request message: field " + jsonNames[i] + " of "
                                + method.fullName() + ": " + e.getMessage());
                    }
                }
                yield args;
            }
        };
    }

    @Override
    public byte[] encodeResponse(Object result) {
        return method.returnsVoid() ? EMPTY_OBJECT : json.encode(result, method.resultType());
    }

    @Override
    public Object decodeResponse(byte[] bytes) {
        return method.returnsVoid() ? null : json.decode(bytes, method.resultType());
    }

    /** Protobuf's JSON name of a field: {@code order_id} is {@code orderId}. */
    static String lowerCamel(String field) {
        StringBuilder b = new StringBuilder(field.length());
        boolean upper = false;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
