package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A {@code List} or {@code Set} as a {@code repeated} field. Numbers, booleans and enums are
 * written packed and read either way, as Protobuf requires. A null collection is written as an
 * empty one; a null element cannot be written. Enum numbers this side does not know are
 * dropped. Reads give unmodifiable collections in wire order ({@code Set}s keep it too).
 */
final class RepeatedSlot extends FieldSlot {
    private final boolean set;
    private final boolean packed;

    RepeatedSlot(String owner, int number, String javaName, String protoName, ProtoType type, boolean set) {
        super(owner, number, javaName, protoName, type,
                type.packable() ? WireFormat.WIRETYPE_LENGTH_DELIMITED : type.wireType());
        this.set = set;
        this.packed = type.packable();
    }

    @Override
    public Label label() {
        return Label.REPEATED;
    }

    private int packedSize(Collection<?> values) {
        int size = 0;
        for (Object v : values) {
            size += type.sizeNoTag(check(v));
        }
        return size;
    }

    private Object check(Object element) {
        if (element == null) {
            throw EncodeFailure.of(where(), "a null element (expected: no nulls in a repeated field)");
        }
        return element;
    }

    @Override
    int size(Object value) {
        Collection<?> values = (Collection<?>) value;
        if (values == null || values.isEmpty()) {
            return 0;
        }
        if (packed) {
            int size = packedSize(values);
            return tagSize + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }
        int size = 0;
        for (Object v : values) {
            size += tagSize + type.sizeNoTag(check(v));
        }
        return size;
    }

    @Override
    void write(CodedOutputStream out, Object value) throws IOException {
        Collection<?> values = (Collection<?>) value;
        if (values == null || values.isEmpty()) {
            return;
        }
        if (packed) {
            out.writeUInt32NoTag(tag);
            out.writeUInt32NoTag(packedSize(values));
            for (Object v : values) {
                type.writeNoTag(out, v);
            }
            return;
        }
        for (Object v : values) {
            out.writeUInt32NoTag(tag);
            type.writeNoTag(out, check(v));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    Object read(CodedInputStream in, int wireType, Object state, Limits limits, int depth) throws IOException {
        List<Object> values = state == null ? new ArrayList<>() : (List<Object>) state;
        if (packed && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
                add(values, type.read(in, limits, depth), limits);
            }
            in.popLimit(limit);
        } else if (wireType == type.wireType()) {
            add(values, type.read(in, limits, depth), limits);
        } else {
            throw wrongWireType(wireType, type);
        }
        return values;
    }

    private static void add(List<Object> values, Object v, Limits limits) {
        if (v != EnumType.UNRECOGNIZED && v != null) {
            limits.checkElements(null, values.size() + 1L);
            values.add(v);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    Object finish(Object state) {
        if (state == null) {
            return set ? Collections.emptySet() : Collections.emptyList();
        }
        List<Object> values = (List<Object>) state;
        return set ? Collections.unmodifiableSet(new LinkedHashSet<>(values)) : Collections.unmodifiableList(values);
    }
}
