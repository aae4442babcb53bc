package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.courier.Limits;
import java.io.IOException;
import java.util.Optional;

/**
 * A field with explicit presence (proto3 {@code optional}): an {@code Optional} or a boxed
 * primitive. A present value is written even when it is the default, so {@code Optional.of(0)}
 * and {@code Optional.empty()} stay apart; a missing field reads as empty, or null.
 */
final class OptionalSlot extends FieldSlot {
    private final boolean javaOptional;

    OptionalSlot(String owner, int number, String javaName, String protoName, ProtoType type, boolean javaOptional) {
        super(owner, number, javaName, protoName, type, type.wireType());
        this.javaOptional = javaOptional;
    }

    @Override
    public Label label() {
        return Label.OPTIONAL;
    }

    private Object unwrap(Object value) {
        return javaOptional && value != null ? ((Optional<?>) value).orElse(null) : value;
    }

    @Override
    int size(Object value) {
        Object v = unwrap(value);
        return v == null ? 0 : tagSize + type.sizeNoTag(v);
    }

    @Override
    void write(CodedOutputStream out, Object value) throws IOException {
        Object v = unwrap(value);
        if (v != null) {
            out.writeUInt32NoTag(tag);
            type.writeNoTag(out, v);
        }
    }

    @Override
    Object read(CodedInputStream in, int wireType, Object state, Limits limits, int depth) throws IOException {
        if (wireType != type.wireType()) {
            throw wrongWireType(wireType, type);
        }
        return type.read(in, limits, depth);
    }

    @Override
    Object finish(Object state) {
        Object v = state == EnumType.UNRECOGNIZED ? null : state;
        return javaOptional ? Optional.ofNullable(v) : v;
    }
}
