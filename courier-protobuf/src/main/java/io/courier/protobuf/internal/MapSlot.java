package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code Map} as {@code map<K, V>}: on the wire, one entry message per pair, key as field 1
 * and value as field 2, each left out when it is the default. A missing key or value reads as
 * the default (null for a message value; a key type without a default, such as a UUID, is
 * refused when its key is missing, since a map holds no null key); an entry whose enum value this side does not know is
 * dropped; a repeated key keeps the last value. Reads give unmodifiable maps in wire order.
 */
final class MapSlot extends FieldSlot {
    private final ProtoType keyType;
    private final int keyTag;
    private final int valueTag;

    MapSlot(String owner, int number, String javaName, String protoName, ProtoType keyType, ProtoType valueType) {
        super(owner, number, javaName, protoName, valueType, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        this.keyType = keyType;
        this.keyTag = ProtoType.tag(1, keyType.wireType());
        this.valueTag = ProtoType.tag(2, valueType.wireType());
    }

    @Override
    public Label label() {
        return Label.MAP;
    }

    @Override
    public ProtoType keyType() {
        return keyType;
    }

    private int entrySize(Object key, Object value) {
        if (key == null) {
            throw EncodeFailure.of(where(), "a null key (expected: no null keys in a map)");
        }
        return (keyType.isDefault(key) ? 0 : 1 + keyType.sizeNoTag(key))
                + (value == null || type.isDefault(value) ? 0 : 1 + type.sizeNoTag(value));
    }

    @Override
    int size(Object value) {
        Map<?, ?> map = (Map<?, ?>) value;
        if (map == null) {
            return 0;
        }
        int size = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            int entry = entrySize(e.getKey(), e.getValue());
            size += tagSize + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
        }
        return size;
    }

    @Override
    void write(CodedOutputStream out, Object value) throws IOException {
        Map<?, ?> map = (Map<?, ?>) value;
        if (map == null) {
            return;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.writeUInt32NoTag(tag);
            out.writeUInt32NoTag(entrySize(e.getKey(), e.getValue()));
            if (!keyType.isDefault(e.getKey())) {
                out.writeUInt32NoTag(keyTag);
                keyType.writeNoTag(out, e.getKey());
            }
            if (e.getValue() != null && !type.isDefault(e.getValue())) {
                out.writeUInt32NoTag(valueTag);
                type.writeNoTag(out, e.getValue());
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    Object read(CodedInputStream in, int wireType, Object state, Limits limits, int depth) throws IOException {
        if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            throw new DecodeFailure("wire type " + ProtoType.wireTypeName(wireType) + " (expected: "
                    + ProtoType.wireTypeName(WireFormat.WIRETYPE_LENGTH_DELIMITED) + " for a map entry)");
        }
        Map<Object, Object> map = state == null ? new LinkedHashMap<>() : (Map<Object, Object>) state;
        int limit = in.pushLimit(in.readRawVarint32());
        Object key = null;
        Object value = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            int number = WireFormat.getTagFieldNumber(t);
            if (number == 1) {
                if (WireFormat.getTagWireType(t) != keyType.wireType()) {
                    throw wrongWireType(WireFormat.getTagWireType(t), keyType);
                }
                key = keyType.read(in, limits, depth);
            } else if (number == 2) {
                if (WireFormat.getTagWireType(t) != type.wireType()) {
                    throw wrongWireType(WireFormat.getTagWireType(t), type);
                }
                value = type.read(in, limits, depth);
            } else if (!in.skipField(t)) {
                throw DecodeFailure.unbalancedGroup();
            }
        }
        in.popLimit(limit);
        if (value == EnumType.UNRECOGNIZED) {
            return map;
        }
        if (key == null) {
            key = keyType.defaultValue();
            if (key == null) { // a key type without a default (a UUID travels as a string, "" is none)
                throw new DecodeFailure("a map entry without its key (expected: field 1, a " + keyType
                        + ", which has no default to read when it is left out)");
            }
        }
        map.put(key, value == null ? type.defaultValue() : value);
        limits.checkElements(null, map.size());
        return map;
    }

    @Override
    @SuppressWarnings("unchecked")
    Object finish(Object state) {
        return state == null ? Collections.emptyMap() : Collections.unmodifiableMap((Map<Object, Object>) state);
    }
}
