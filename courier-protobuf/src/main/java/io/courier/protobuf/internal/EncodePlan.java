package io.courier.protobuf.internal;

import com.google.protobuf.CodedOutputStream;
import io.courier.InternalException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Instant;
import java.util.Collection;

/**
 * How a record is sized and written, built once per record class as two method handles: one
 * that sums the sizes of every field and one that writes them in field-number order. Each field
 * is a leaf below bound to its tag and to the record's accessor, typed as the component is, so a
 * {@code long} is read and written as a {@code long}, never boxed. Combined into one tree, the
 * handles are compiled as one unit once hot (the JVM specialises a hot method handle to its
 * bound constants), with the accessors and leaves inlined: the cost of a loop over fields that
 * calls an accessor, a slot, a type and a lambda per field, each a megamorphic call, is gone.
 * A list or set of strings and an {@code Instant} have leaves of their own too. Other fields
 * (nested records, other lists, maps, optionals, enums, durations, string-coded types) go
 * through their {@link FieldSlot}, bound as a constant, so they behave exactly as before.
 * Immutable and thread-safe.
 */
final class EncodePlan {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodType SIZE = MethodType.methodType(int.class, Object.class);
    private static final MethodType WRITE = MethodType.methodType(void.class, CodedOutputStream.class, Object.class);
    private static final MethodHandle ADD = leaf("add", int.class, int.class, int.class);
    private static final MethodHandle NO_SIZE = MethodHandles.dropArguments(MethodHandles.constant(int.class, 0), 0,
            Object.class);
    private static final MethodHandle NO_WRITE = MethodHandles.empty(WRITE);

    private final MethodHandle size;
    private final MethodHandle write;

    private EncodePlan(MethodHandle size, MethodHandle write) {
        this.size = size;
        this.write = write;
    }

    /**
     * The plan of a record whose fields are {@code slots}, read by {@code getters} (typed as the
     * components), written in {@code writeOrder}.
     */
    static EncodePlan of(FieldSlot[] slots, MethodHandle[] getters, int[] writeOrder) {
        MethodHandle size = NO_SIZE;
        for (int i = 0; i < slots.length; i++) {
            MethodHandle s = fieldSize(slots[i], getters[i]);
            // (Object, Object)int summing both, then the record passed to both.
            size = MethodHandles.permuteArguments(MethodHandles.filterArguments(ADD, 0, size, s), SIZE, 0, 0);
        }
        MethodHandle write = NO_WRITE;
        for (int i : writeOrder) {
            // The fields written so far, then this one.
            write = MethodHandles.foldArguments(fieldWrite(slots[i], getters[i]), write);
        }
        return new EncodePlan(size, write);
    }

    int size(Object record) {
        try {
            return (int) size.invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    void write(CodedOutputStream out, Object record) throws IOException {
        try {
            write.invokeExact(out, record);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** (Object)int: the size of one field of the record. */
    private static MethodHandle fieldSize(FieldSlot slot, MethodHandle getter) {
        String kind = kind(slot, getter.type().returnType());
        MethodHandle leaf = kind == null
                ? MethodHandles.insertArguments(leaf("sizeSlot", int.class, FieldSlot.class, Object.class), 0, slot)
                : bySlot(kind)
                ? MethodHandles.insertArguments(leaf("size" + kind, int.class, FieldSlot.class, leafType(kind)), 0,
                        slot)
                : MethodHandles.insertArguments(leaf("size" + kind, int.class, int.class, leafType(kind)), 0,
                        slot.tagSize);
        return MethodHandles.filterArguments(leaf, 0, getter.asType(MethodType.methodType(leaf.type().parameterType(0),
                Object.class)));
    }

    /** (CodedOutputStream, Object)void: writes one field of the record. */
    private static MethodHandle fieldWrite(FieldSlot slot, MethodHandle getter) {
        String kind = kind(slot, getter.type().returnType());
        MethodHandle leaf = kind == null
                ? MethodHandles.insertArguments(leaf("writeSlot", void.class, FieldSlot.class, CodedOutputStream.class,
                        Object.class), 0, slot)
                : bySlot(kind)
                ? MethodHandles.insertArguments(leaf("write" + kind, void.class, FieldSlot.class,
                        CodedOutputStream.class, leafType(kind)), 0, slot)
                : MethodHandles.insertArguments(leaf("write" + kind, void.class, int.class, CodedOutputStream.class,
                        leafType(kind)), 0, slot.tag);
        return MethodHandles.filterArguments(leaf, 1, getter.asType(MethodType.methodType(leaf.type().parameterType(1),
                Object.class)));
    }

    /** Which leaf writes a component of this Java type in this slot; null for the slot's own code. */
    private static String kind(FieldSlot slot, Class<?> component) {
        if (slot instanceof RepeatedSlot && slot.type == ScalarType.STRING) {
            return "Strings";
        }
        if (!(slot instanceof SingularSlot)) {
            return null;
        }
        if (slot.type == SecondsNanosType.TIMESTAMP && component == Instant.class) {
            return "Instant";
        }
        if (component == long.class) {
            return "Int64";
        } else if (component == int.class || component == short.class || component == byte.class) {
            return "Int32"; // as ScalarType.INT16 and INT8: int32 on the wire
        } else if (component == boolean.class) {
            return "Bool";
        } else if (component == double.class) {
            return "Double";
        } else if (component == float.class) {
            return "Float";
        } else if (component == String.class) {
            return "String";
        }
        return null;
    }

    /** Whether the leaf takes the slot, for the tag and the name in errors, rather than a tag. */
    private static boolean bySlot(String kind) {
        return kind.equals("Strings");
    }

    private static Class<?> leafType(String kind) {
        return switch (kind) {
            case "Strings" -> Collection.class;
            case "Instant" -> Instant.class;
            case "Int64" -> long.class;
            case "Int32" -> int.class;
            case "Bool" -> boolean.class;
            case "Double" -> double.class;
            case "Float" -> float.class;
            default -> String.class;
        };
    }

    private static MethodHandle leaf(String name, Class<?> returns, Class<?>... parameters) {
        try {
            return LOOKUP.findStatic(EncodePlan.class, name, MethodType.methodType(returns, parameters));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // The leaves: what SingularSlot and ScalarType do for one value, without boxing. Zero,
    // false, the empty string and null are Protobuf's defaults and are left out; -0.0 is written.

    private static int add(int a, int b) {
        return a + b;
    }

    private static int sizeSlot(FieldSlot slot, Object value) {
        return slot.size(value);
    }

    private static void writeSlot(FieldSlot slot, CodedOutputStream out, Object value) throws IOException {
        slot.write(out, value);
    }

    private static int sizeInt64(int tagSize, long value) {
        return value == 0 ? 0 : tagSize + CodedOutputStream.computeInt64SizeNoTag(value);
    }

    private static void writeInt64(int tag, CodedOutputStream out, long value) throws IOException {
        if (value != 0) {
            out.writeUInt32NoTag(tag);
            out.writeInt64NoTag(value);
        }
    }

    private static int sizeInt32(int tagSize, int value) {
        return value == 0 ? 0 : tagSize + CodedOutputStream.computeInt32SizeNoTag(value);
    }

    private static void writeInt32(int tag, CodedOutputStream out, int value) throws IOException {
        if (value != 0) {
            out.writeUInt32NoTag(tag);
            out.writeInt32NoTag(value);
        }
    }

    private static int sizeBool(int tagSize, boolean value) {
        return value ? tagSize + 1 : 0;
    }

    private static void writeBool(int tag, CodedOutputStream out, boolean value) throws IOException {
        if (value) {
            out.writeUInt32NoTag(tag);
            out.writeBoolNoTag(true);
        }
    }

    private static int sizeDouble(int tagSize, double value) {
        return Double.doubleToRawLongBits(value) == 0 ? 0 : tagSize + 8;
    }

    private static void writeDouble(int tag, CodedOutputStream out, double value) throws IOException {
        if (Double.doubleToRawLongBits(value) != 0) {
            out.writeUInt32NoTag(tag);
            out.writeDoubleNoTag(value);
        }
    }

    private static int sizeFloat(int tagSize, float value) {
        return Float.floatToRawIntBits(value) == 0 ? 0 : tagSize + 4;
    }

    private static void writeFloat(int tag, CodedOutputStream out, float value) throws IOException {
        if (Float.floatToRawIntBits(value) != 0) {
            out.writeUInt32NoTag(tag);
            out.writeFloatNoTag(value);
        }
    }

    private static int sizeString(int tagSize, String value) {
        return value == null || value.isEmpty() ? 0 : tagSize + CodedOutputStream.computeStringSizeNoTag(value);
    }

    private static void writeString(int tag, CodedOutputStream out, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            out.writeUInt32NoTag(tag);
            out.writeStringNoTag(value);
        }
    }

    private static int sizeInstant(int tagSize, Instant value) {
        return value == null ? 0 : tagSize + SecondsNanosType.timestampSizeNoTag(value);
    }

    private static void writeInstant(int tag, CodedOutputStream out, Instant value) throws IOException {
        if (value != null) {
            out.writeUInt32NoTag(tag);
            SecondsNanosType.writeTimestampNoTag(out, value);
        }
    }

    // A repeated string, as RepeatedSlot writes it: one tagged string per element, none null.

    private static int sizeStrings(FieldSlot slot, Collection<?> values) {
        if (values == null) {
            return 0;
        }
        int size = 0;
        for (Object v : values) {
            if (v == null) {
                throw nullElement(slot);
            }
            size += slot.tagSize + CodedOutputStream.computeStringSizeNoTag((String) v);
        }
        return size;
    }

    private static void writeStrings(FieldSlot slot, CodedOutputStream out, Collection<?> values) throws IOException {
        if (values == null) {
            return;
        }
        int tag = slot.tag;
        for (Object v : values) {
            if (v == null) {
                throw nullElement(slot);
            }
            out.writeUInt32NoTag(tag);
            out.writeStringNoTag((String) v);
        }
    }

    private static InternalException nullElement(FieldSlot slot) {
        return EncodeFailure.of(slot.where(), "a null element (expected: no nulls in a repeated field)");
    }
}
