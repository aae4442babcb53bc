package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.contract.InvalidContractException;
import io.courier.protobuf.Field;
import io.courier.Limits;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java enum as a Protobuf enum: each constant's number is its {@link Field} or, when no
 * constant is annotated, its ordinal. A number that names no constant (sent by a newer peer)
 * reads as {@link #UNRECOGNIZED}, which the field turns into null, an empty {@code Optional},
 * or a dropped element, never an error.
 */
public final class EnumType extends ProtoType {
    /** What an unknown number reads as, before the field decides what that means. */
    static final Object UNRECOGNIZED = new Object() {
        @Override
        public String toString() {
            return "UNRECOGNIZED";
        }
    };

    private static final ClassValue<EnumType> CACHE = new ClassValue<>() {
        @Override
        protected EnumType computeValue(Class<?> type) {
            return new EnumType(type);
        }
    };

    private final Class<?> type;
    private final Enum<?>[] constants;
    private final int[] numbers;
    private final Map<Integer, Enum<?>> byNumber = new HashMap<>();
    private final Enum<?> zero;

    private EnumType(Class<?> type) {
        this.type = type;
        this.constants = (Enum<?>[]) type.getEnumConstants();
        this.numbers = new int[constants.length];
        int annotated = 0;
        for (Enum<?> c : constants) {
            Field f;
            try {
                f = type.getField(c.name()).getAnnotation(Field.class);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
            if (f != null) {
                annotated++;
                if (f.value() < 0) {
                    throw new InvalidContractException(type.getSimpleName() + "." + c.name() + ": @Field(" + f.value()
                            + ") (expected: an enum number of 0 or more)");
                }
            }
            numbers[c.ordinal()] = f == null ? c.ordinal() : f.value();
        }
        if (annotated != 0 && annotated != constants.length) {
            throw new InvalidContractException(type.getSimpleName() + ": " + annotated + " of " + constants.length
                    + " constants have @Field (expected: all of them or none)");
        }
        for (Enum<?> c : constants) {
            Enum<?> previous = byNumber.put(numbers[c.ordinal()], c);
            if (previous != null) {
                throw new InvalidContractException(type.getSimpleName() + "." + c.name() + ": number "
                        + numbers[c.ordinal()] + " is also " + previous.name() + " (expected: unique numbers)");
            }
        }
        this.zero = byNumber.get(0);
    }

    public static EnumType of(Class<?> type) {
        return CACHE.get(type);
    }

    /** The enum class. */
    public Class<?> type() {
        return type;
    }

    /** The constants in declaration order. */
    public List<Enum<?>> constants() {
        return List.of(constants);
    }

    /** The number a constant is sent as. */
    public int number(Enum<?> constant) {
        return numbers[constant.ordinal()];
    }

    /** Whether some constant has the number 0, which proto3 requires of the first enum value. */
    public boolean hasZero() {
        return zero != null;
    }

    @Override
    int wireType() {
        return WireFormat.WIRETYPE_VARINT;
    }

    @Override
    public String protoName(SchemaNames names) {
        return names.enumName(type);
    }

    @Override
    Object defaultValue() {
        return zero;
    }

    @Override
    boolean isDefault(Object value) {
        return value == null || numbers[((Enum<?>) value).ordinal()] == 0;
    }

    @Override
    int sizeNoTag(Object value) {
        return CodedOutputStream.computeEnumSizeNoTag(numbers[((Enum<?>) value).ordinal()]);
    }

    @Override
    void writeNoTag(CodedOutputStream out, Object value) throws IOException {
        out.writeEnumNoTag(numbers[((Enum<?>) value).ordinal()]);
    }

    @Override
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        Enum<?> c = byNumber.get(in.readEnum());
        return c == null ? UNRECOGNIZED : c;
    }
}
