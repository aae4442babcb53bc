package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;

/**
 * A record as a nested message. The record's codec is looked up on first use rather than when
 * the field is built, so that a record may contain itself (a tree, a linked list).
 */
public final class RecordType extends ProtoType {
    private final Class<?> type;
    private volatile MessageCodec codec;

    RecordType(Class<?> type) {
        this.type = type;
    }

    /** The record class. */
    public Class<?> type() {
        return type;
    }

    /** The record's codec. */
    public MessageCodec codec() {
        MessageCodec c = codec;
        if (c == null) {
            c = MessageCodec.forRecord(type);
            codec = c;
        }
        return c;
    }

    @Override
    int wireType() {
        return WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    @Override
    public String protoName(SchemaNames names) {
        return names.messageName(type);
    }

    @Override
    Object defaultValue() {
        return null;
    }

    @Override
    boolean isDefault(Object value) {
        return value == null;
    }

    @Override
    int sizeNoTag(Object value) {
        int size = codec().size(value);
        return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    @Override
    void writeNoTag(CodedOutputStream out, Object value) throws IOException {
        MessageCodec c = codec();
        out.writeUInt32NoTag(c.size(value));
        c.writeTo(out, value);
    }

    @Override
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        if (depth >= limits.maxNestingDepth()) {
            throw new DecodeFailure("nesting of " + (depth + 1) + " levels exceeds the limit " + limits.maxNestingDepth()
                    + " (maxNestingDepth)");
        }
        int limit = in.pushLimit(in.readRawVarint32());
        Object value = codec().read(in, limits, depth + 1);
        in.popLimit(limit);
        return value;
    }
}
