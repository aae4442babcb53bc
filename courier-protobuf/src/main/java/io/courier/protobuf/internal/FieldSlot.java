package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;

/**
 * One field of a message: its number and name, where its value sits ({@link Label}) and the
 * {@link ProtoType} of its values. Immutable and thread-safe.
 *
 * <p>Reading accumulates: {@link #read} gets what was read so far for this field (null at
 * first) and returns the new state, so that repeated fields may arrive in several pieces, as
 * Protobuf allows; {@link #finish} turns the state into the Java value.
 */
public abstract class FieldSlot {
    /** Where a field's value sits. */
    public enum Label {
        /** One value, left out when it is Protobuf's default (proto3 implicit presence). */
        SINGULAR,
        /** One value or none: an {@code Optional} or a boxed primitive (proto3 {@code optional}). */
        OPTIONAL,
        /** A {@code List} or {@code Set}: {@code repeated}, packed for numbers, booleans and enums. */
        REPEATED,
        /** A {@code Map}: {@code map<K, V>}, a repeated entry message of key 1 and value 2. */
        MAP
    }

    final String owner;
    final int number;
    final String javaName;
    final String protoName;
    final ProtoType type;
    final int tag;
    final int tagSize;

    FieldSlot(String owner, int number, String javaName, String protoName, ProtoType type, int wireType) {
        this.owner = owner;
        this.number = number;
        this.javaName = javaName;
        this.protoName = protoName;
        this.type = type;
        this.tag = ProtoType.tag(number, wireType);
        this.tagSize = CodedOutputStream.computeTagSize(number);
    }

    /** The field number. */
    public int number() {
        return number;
    }

    /** The Java name: the record component or parameter. */
    public String javaName() {
        return javaName;
    }

    /** The name in the {@code .proto} file, in lower_snake_case. */
    public String protoName() {
        return protoName;
    }

    /** The type of the values (of a map: the values'). */
    public ProtoType type() {
        return type;
    }

    public abstract Label label();

    /** The type of a map's keys; null for other fields. */
    public ProtoType keyType() {
        return null;
    }

    /** The size of the field holding {@code value}, tags included; 0 when it is not written. */
    abstract int size(Object value);

    abstract void write(CodedOutputStream out, Object value) throws IOException;

    abstract Object read(CodedInputStream in, int wireType, Object state, Limits limits, int depth) throws IOException;

    abstract Object finish(Object state);

    final String where() {
        return owner + "." + javaName;
    }

    final DecodeFailure wrongWireType(int wireType, ProtoType expected) {
        return new DecodeFailure("wire type " + ProtoType.wireTypeName(wireType) + " (expected: "
                + ProtoType.wireTypeName(expected.wireType()) + " for " + expected.protoName(SchemaNames.SIMPLE) + ")");
    }
}
