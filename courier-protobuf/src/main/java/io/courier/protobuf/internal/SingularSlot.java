package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.courier.Limits;
import java.io.IOException;

/** A plain field: written unless null or Protobuf's default; a missing one reads as the default. */
final class SingularSlot extends FieldSlot {
    SingularSlot(String owner, int number, String javaName, String protoName, ProtoType type) {
        super(owner, number, javaName, protoName, type, type.wireType());
    }

    @Override
    public Label label() {
        return Label.SINGULAR;
    }

    @Override
    int size(Object value) {
        return value == null || type.isDefault(value) ? 0 : tagSize + type.sizeNoTag(value);
    }

    @Override
    void write(CodedOutputStream out, Object value) throws IOException {
        if (value != null && !type.isDefault(value)) {
            out.writeUInt32NoTag(tag);
            type.writeNoTag(out, value);
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
        if (state == EnumType.UNRECOGNIZED) {
            return null;
        }
        return state == null ? type.defaultValue() : state;
    }
}
