package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;

/**
 * How one Java value of a field is written and read: a Protobuf scalar, a string-coded value,
 * an enum, a nested message or a well-known type. Where the value sits (singular, optional,
 * repeated, map) is a {@link FieldSlot}'s business. Immutable and thread-safe.
 */
public abstract class ProtoType {
    /** The wire type of one value. */
    abstract int wireType();

    /** The type in a {@code .proto} file, e.g. {@code int64} or a message name. */
    public abstract String protoName(SchemaNames names);

    /** What a missing field decodes to: Protobuf's default, or null where Java has none. */
    abstract Object defaultValue();

    /** Whether an implicit-presence field holding {@code value} is left out, as Protobuf does for defaults. */
    abstract boolean isDefault(Object value);

    /** The size of {@code value} without its tag, including its length prefix if it has one. */
    abstract int sizeNoTag(Object value);

    abstract void writeNoTag(CodedOutputStream out, Object value) throws IOException;

    /**
     * One value, whose tag has been read and checked, within {@code limits} (which fail with
     * {@link io.courier.InvalidArgumentException}; the enclosing message adds the path);
     * {@code depth} counts enclosing messages.
     */
    abstract Object read(CodedInputStream in, Limits limits, int depth) throws IOException;

    /** The file a {@code .proto} must import to use this type, or null. */
    public String importPath() {
        return null;
    }

    /** What the type stands for, as a comment in the {@code .proto} file, or null when the type says it all. */
    public String comment() {
        return null;
    }

    /** Whether a repeated field of this type is written packed. */
    boolean packable() {
        return wireType() != WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** Whether the type may be a map key in a {@code .proto} file. */
    boolean mapKey() {
        return false;
    }

    /** For messages: the name in errors. */
    @Override
    public String toString() {
        return protoName(SchemaNames.SIMPLE);
    }

    /** A field's tag: its number and wire type, as {@code WireFormat} computes it but does not export. */
    static int tag(int number, int wireType) {
        return (number << 3) | wireType;
    }

    static String wireTypeName(int wireType) {
        return switch (wireType) {
            case WireFormat.WIRETYPE_VARINT -> "0 (varint)";
            case WireFormat.WIRETYPE_FIXED64 -> "1 (64-bit)";
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> "2 (length-delimited)";
            case WireFormat.WIRETYPE_START_GROUP -> "3 (group start)";
            case WireFormat.WIRETYPE_END_GROUP -> "4 (group end)";
            case WireFormat.WIRETYPE_FIXED32 -> "5 (32-bit)";
            default -> String.valueOf(wireType);
        };
    }
}
