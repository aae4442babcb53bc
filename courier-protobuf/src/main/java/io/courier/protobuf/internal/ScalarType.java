package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.Limits;
import java.io.IOException;

/** The Protobuf scalars Java values map to directly. */
class ScalarType extends ProtoType {
    private interface Writer {
        void write(CodedOutputStream out, Object v) throws IOException;
    }

    private interface Reader {
        Object read(CodedInputStream in) throws IOException;
    }

    private interface Sizer {
        int size(Object v);
    }

    private static final byte[] NO_BYTES = new byte[0];

    static final ScalarType INT32 = new ScalarType("int32", WireFormat.WIRETYPE_VARINT, 0, true,
            v -> CodedOutputStream.computeInt32SizeNoTag((Integer) v), (o, v) -> o.writeInt32NoTag((Integer) v),
            CodedInputStream::readInt32);
    static final ScalarType INT16 = new ScalarType("int32", WireFormat.WIRETYPE_VARINT, (short) 0, true,
            v -> CodedOutputStream.computeInt32SizeNoTag((Short) v), (o, v) -> o.writeInt32NoTag((Short) v),
            in -> narrow(in.readInt32(), Short.MIN_VALUE, Short.MAX_VALUE, "short"));
    static final ScalarType INT8 = new ScalarType("int32", WireFormat.WIRETYPE_VARINT, (byte) 0, true,
            v -> CodedOutputStream.computeInt32SizeNoTag((Byte) v), (o, v) -> o.writeInt32NoTag((Byte) v),
            in -> narrow(in.readInt32(), Byte.MIN_VALUE, Byte.MAX_VALUE, "byte"));
    static final ScalarType INT64 = new ScalarType("int64", WireFormat.WIRETYPE_VARINT, 0L, true,
            v -> CodedOutputStream.computeInt64SizeNoTag((Long) v), (o, v) -> o.writeInt64NoTag((Long) v),
            CodedInputStream::readInt64);
    static final ScalarType BOOL = new ScalarType("bool", WireFormat.WIRETYPE_VARINT, false, true,
            v -> 1, (o, v) -> o.writeBoolNoTag((Boolean) v), CodedInputStream::readBool);
    static final ScalarType DOUBLE = new ScalarType("double", WireFormat.WIRETYPE_FIXED64, 0.0d, false,
            v -> 8, (o, v) -> o.writeDoubleNoTag((Double) v), CodedInputStream::readDouble) {
        @Override
        boolean isDefault(Object value) {
            // As Protobuf: -0.0 is not the default and is written.
            return Double.doubleToRawLongBits((Double) value) == 0;
        }
    };
    static final ScalarType FLOAT = new ScalarType("float", WireFormat.WIRETYPE_FIXED32, 0.0f, false,
            v -> 4, (o, v) -> o.writeFloatNoTag((Float) v), CodedInputStream::readFloat) {
        @Override
        boolean isDefault(Object value) {
            return Float.floatToRawIntBits((Float) value) == 0;
        }
    };
    static final ScalarType STRING = new ScalarType("string", WireFormat.WIRETYPE_LENGTH_DELIMITED, "", true,
            v -> CodedOutputStream.computeStringSizeNoTag((String) v), (o, v) -> o.writeStringNoTag((String) v),
            CodedInputStream::readStringRequireUtf8) {
        @Override
        boolean isDefault(Object value) {
            return ((String) value).isEmpty();
        }
    };
    static final ScalarType BYTES = new ScalarType("bytes", WireFormat.WIRETYPE_LENGTH_DELIMITED, NO_BYTES, false,
            v -> CodedOutputStream.computeByteArraySizeNoTag((byte[]) v), (o, v) -> o.writeByteArrayNoTag((byte[]) v),
            CodedInputStream::readByteArray) {
        @Override
        boolean isDefault(Object value) {
            return ((byte[]) value).length == 0;
        }

        @Override
        Object defaultValue() {
            return new byte[0]; // arrays are mutable: never share one with a caller
        }
    };

    private final String name;
    private final int wireType;
    private final Object defaultValue;
    private final boolean mapKey;
    private final Sizer sizer;
    private final Writer writer;
    private final Reader reader;

    private ScalarType(String name, int wireType, Object defaultValue, boolean mapKey, Sizer sizer, Writer writer,
                       Reader reader) {
        this.name = name;
        this.wireType = wireType;
        this.defaultValue = defaultValue;
        this.mapKey = mapKey;
        this.sizer = sizer;
        this.writer = writer;
        this.reader = reader;
    }

    private static Object narrow(int value, int min, int max, String type) {
        if (value < min || value > max) {
            throw new DecodeFailure(value + " (expected: a " + type + ", " + min + " to " + max + ")");
        }
        return type.equals("short") ? (Object) (short) value : (Object) (byte) value;
    }

    @Override
    int wireType() {
        return wireType;
    }

    @Override
    public String protoName(SchemaNames names) {
        return name;
    }

    @Override
    Object defaultValue() {
        return defaultValue;
    }

    @Override
    boolean isDefault(Object value) {
        return defaultValue.equals(value);
    }

    @Override
    int sizeNoTag(Object value) {
        return sizer.size(value);
    }

    @Override
    void writeNoTag(CodedOutputStream out, Object value) throws IOException {
        writer.write(out, value);
    }

    @Override
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        Object value = reader.read(in);
        // Reading was linear in the input, whose size is bounded; what is kept is bounded here.
        if (value instanceof String s) {
            limits.checkStringLength(null, s.length());
        } else if (value instanceof byte[] b) {
            limits.checkStringLength(null, b.length);
        }
        return value;
    }

    @Override
    boolean mapKey() {
        return mapKey;
    }
}
