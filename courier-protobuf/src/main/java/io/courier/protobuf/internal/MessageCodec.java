package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.courier.CourierException;
import io.courier.contract.InvalidContractException;
import io.courier.protobuf.Field;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads one message shape: a record, the one-field wrapper of a non-message value, or
 * a method's arguments. Built once per shape (records are cached per class); on the hot path it
 * only calls accessor and constructor method handles, and a record is sized and written by its
 * {@link EncodePlan}. A record is written once into a reused buffer ({@link ScratchBuffers}) and
 * copied out, rather than sized first; its primitives, strings, lists of strings and instants are
 * read inline, primitives unboxed, and passed to its canonical constructor without boxes.
 * Immutable and thread-safe.
 */
public final class MessageCodec {
    /** How the Java value of a message splits into its fields' values and is built from them. */
    interface Shape {
        Object component(Object whole, int index) throws Throwable;

        Object join(Object[] values) throws Throwable;
    }

    private static final int MAX_NUMBER = 536_870_911;
    private static final int DENSE_LIMIT = 256;

    private static final ClassValue<MessageCodec> RECORDS = new ClassValue<>() {
        @Override
        protected MessageCodec computeValue(Class<?> type) {
            return record(type);
        }
    };

    private final String name;
    private final FieldSlot[] slots;
    private final int[] writeOrder;
    private final int[] denseIndex;
    private final Map<Integer, Integer> sparseIndex;
    private final Shape shape;
    private final EncodePlan plan;
    /** Of a record: how each field is read ({@link #SLOT} and the others below); null otherwise. */
    private final byte[] kinds;
    /** Of a record: where in {@code bits} each primitive field is read, -1 for the others. */
    private final int[] bitIndex;
    /** Of a record: how many of its fields are primitives read into {@code bits}. */
    private final int bitCount;
    /** Of a record: (Object[] values, long[] bits)Object, its canonical constructor. */
    private final MethodHandle construct;

    // How a record's field is read: by its slot, or (when its tag, so its wire type, is the
    // expected one) inline, a primitive into a long of bits rather than a box.
    private static final byte SLOT = 0;
    private static final byte INT64 = 1;
    private static final byte INT32 = 2;
    private static final byte BOOL = 3;
    private static final byte DOUBLE = 4;
    private static final byte FLOAT = 5;
    private static final byte STRING = 6;
    private static final byte STRINGS = 7;
    private static final byte TIMESTAMP = 8;
    private static final long[] NO_BITS = new long[0];

    MessageCodec(String name, List<FieldSlot> slots, Shape shape) {
        this(name, slots, shape, null, null);
    }

    /**
     * With {@code getters}, the record's accessors typed as its components, sizes and writes by
     * an {@link EncodePlan}; with {@code constructor}, the record's canonical constructor typed
     * as its components, reads its fields inline where it can.
     */
    private MessageCodec(String name, List<FieldSlot> slots, Shape shape, MethodHandle[] getters,
                         MethodHandle constructor) {
        this.name = name;
        this.slots = slots.toArray(FieldSlot[]::new);
        this.shape = shape;
        Set<String> protoNames = new HashSet<>();
        Map<Integer, Integer> index = new HashMap<>();
        int max = 0;
        for (int i = 0; i < this.slots.length; i++) {
            FieldSlot s = this.slots[i];
            if (s.number < 1 || s.number > MAX_NUMBER || (s.number >= 19_000 && s.number <= 19_999)) {
                throw new InvalidContractException(s.where() + ": field number " + s.number
                        + " (expected: 1 to 536870911, not 19000 to 19999)");
            }
            Integer previous = index.put(s.number, i);
            if (previous != null) {
                throw new InvalidContractException(s.where() + ": field number " + s.number + " is also "
                        + this.slots[previous].javaName + " (expected: unique numbers; set them with @Field)");
            }
            if (!protoNames.add(s.protoName)) {
                throw new InvalidContractException(s.where() + ": proto name " + s.protoName
                        + " is taken by another field (expected: names unique in snake_case)");
            }
            max = Math.max(max, s.number);
        }
        Integer[] order = index.keySet().stream().sorted().toArray(Integer[]::new);
        this.writeOrder = Arrays.stream(order).mapToInt(index::get).toArray();
        if (max <= DENSE_LIMIT) {
            this.denseIndex = new int[max + 1];
            Arrays.fill(denseIndex, -1);
            index.forEach((n, i) -> denseIndex[n] = i);
            this.sparseIndex = null;
        } else {
            this.denseIndex = null;
            this.sparseIndex = Map.copyOf(index);
        }
        this.plan = getters == null ? null : EncodePlan.of(this.slots, getters, writeOrder);
        if (constructor == null) {
            this.kinds = null;
            this.bitIndex = null;
            this.bitCount = 0;
            this.construct = null;
        } else {
            this.kinds = new byte[this.slots.length];
            this.bitIndex = new int[this.slots.length];
            int bits = 0;
            for (int i = 0; i < kinds.length; i++) {
                kinds[i] = kind(this.slots[i], constructor.type().parameterType(i));
                bitIndex[i] = isBits(kinds[i]) ? bits++ : -1;
            }
            this.bitCount = bits;
            this.construct = construct(constructor, kinds, bitIndex);
        }
    }

    private static byte kind(FieldSlot slot, Class<?> component) {
        if (slot instanceof RepeatedSlot) {
            return slot.type == ScalarType.STRING ? STRINGS : SLOT;
        }
        if (!(slot instanceof SingularSlot)) {
            return SLOT;
        }
        if (component == long.class) {
            return INT64;
        } else if (component == int.class) {
            return INT32;
        } else if (component == boolean.class) {
            return BOOL;
        } else if (component == double.class) {
            return DOUBLE;
        } else if (component == float.class) {
            return FLOAT;
        } else if (component == String.class) {
            return STRING;
        } else if (component == java.time.Instant.class && slot.type == SecondsNanosType.TIMESTAMP) {
            return TIMESTAMP;
        }
        return SLOT;
    }

    private static boolean isBits(byte kind) {
        return kind >= INT64 && kind <= FLOAT;
    }

    /**
     * (Object[] values, long[] bits)Object: calls {@code constructor} with each primitive read
     * from its bits and every other component from its value.
     */
    private static MethodHandle construct(MethodHandle constructor, byte[] kinds, int[] bitIndex) {
        MethodHandle h = constructor.asType(constructor.type().changeReturnType(Object.class));
        int[] reorder = new int[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            Class<?> component = constructor.type().parameterType(i);
            MethodHandle get;
            if (isBits(kinds[i])) {
                get = MethodHandles.insertArguments(MethodHandles.arrayElementGetter(long[].class), 1, bitIndex[i]);
                if (component != long.class) {
                    get = MethodHandles.filterReturnValue(get, fromBits(component));
                }
                reorder[i] = 1;
            } else {
                get = MethodHandles.insertArguments(MethodHandles.arrayElementGetter(Object[].class), 1, i)
                        .asType(MethodType.methodType(component, Object[].class));
            }
            h = MethodHandles.filterArguments(h, i, get);
        }
        return MethodHandles.permuteArguments(h, MethodType.methodType(Object.class, Object[].class, long[].class),
                reorder);
    }

    private static MethodHandle fromBits(Class<?> component) {
        String name = component == int.class ? "intOf" : component == boolean.class ? "booleanOf"
                : component == double.class ? "doubleOf" : "floatOf";
        try {
            return MethodHandles.lookup().findStatic(MessageCodec.class, name,
                    MethodType.methodType(component, long.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int intOf(long bits) {
        return (int) bits;
    }

    private static boolean booleanOf(long bits) {
        return bits != 0;
    }

    private static double doubleOf(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static float floatOf(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    /** The codec of a record class, built on first use and cached. */
    public static MessageCodec forRecord(Class<?> type) {
        return RECORDS.get(type);
    }

    /** A message whose field 1, {@code value}, holds the whole value: how a non-message travels alone. */
    public static MessageCodec wrapper(String name, Type type) {
        return new MessageCodec(name, List.of(TypeMapping.slot(name, 1, "value", type)), new Shape() {
            @Override
            public Object component(Object whole, int index) {
                return whole;
            }

            @Override
            public Object join(Object[] values) {
                return values[0];
            }
        });
    }

    /** A message of the given fields whose Java value is the array of their values, in order: a method's arguments. */
    public static MessageCodec arguments(String name, List<FieldSlot> fields) {
        return new MessageCodec(name, fields, new Shape() {
            @Override
            public Object component(Object whole, int index) {
                return ((Object[]) whole)[index];
            }

            @Override
            public Object join(Object[] values) {
                return values;
            }
        });
    }

    private static MessageCodec record(Class<?> type) {
        if (!type.isRecord()) {
            throw new InvalidContractException(type.getName() + ": not a record (expected: a record)");
        }
        String owner = type.getSimpleName();
        RecordComponent[] components = type.getRecordComponents();
        List<FieldSlot> slots = new ArrayList<>();
        MethodHandle[] typed = new MethodHandle[components.length];
        MethodHandle[] getters = new MethodHandle[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            Field f = c.getAnnotation(Field.class);
            slots.add(TypeMapping.slot(owner, f == null ? i + 1 : f.value(), c.getName(), c.getGenericType()));
            typed[i] = handle(type, c.getAccessor());
            getters[i] = typed[i].asType(MethodType.methodType(Object.class, Object.class));
            types[i] = c.getType();
        }
        MethodHandle typedConstructor;
        MethodHandle constructor;
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            typedConstructor = handle(type, ctor);
            constructor = typedConstructor.asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record without its canonical constructor: " + type.getName(), e);
        }
        return new MessageCodec(owner, slots, new Shape() {
            @Override
            public Object component(Object whole, int index) throws Throwable {
                return getters[index].invokeExact(whole);
            }

            @Override
            public Object join(Object[] values) throws Throwable {
                return constructor.invokeExact(values);
            }
        }, typed, typedConstructor);
    }

    private static MethodHandle handle(Class<?> type, java.lang.reflect.Executable member) {
        try {
            try {
                member.setAccessible(true);
                return member instanceof Method m ? MethodHandles.lookup().unreflect(m)
                        : MethodHandles.lookup().unreflectConstructor((Constructor<?>) member);
            } catch (InaccessibleObjectException e) {
                return member instanceof Method m ? MethodHandles.publicLookup().unreflect(m)
                        : MethodHandles.publicLookup().unreflectConstructor((Constructor<?>) member);
            }
        } catch (IllegalAccessException e) {
            throw new InvalidContractException(type.getName() + ": not accessible (expected: a public record, or its"
                    + " package opened to io.courier.protobuf)");
        }
    }

    /** The name in errors: the record's simple name, or the synthetic message's. */
    public String name() {
        return name;
    }

    /** The fields in declaration order. */
    public List<FieldSlot> fields() {
        return List.of(slots);
    }

    /** The encoded size of {@code whole}. */
    int size(Object whole) {
        if (plan != null) {
            return plan.size(whole);
        }
        int size = 0;
        for (int i = 0; i < slots.length; i++) {
            size += slots[i].size(component(whole, i));
        }
        return size;
    }

    void writeTo(CodedOutputStream out, Object whole) throws IOException {
        if (plan != null) {
            plan.write(out, whole);
            return;
        }
        for (int i : writeOrder) {
            slots[i].write(out, component(whole, i));
        }
    }

    private Object component(Object whole, int index) {
        try {
            return shape.component(whole, index);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private int indexOf(int number) {
        if (denseIndex != null) {
            return number < denseIndex.length ? denseIndex[number] : -1;
        }
        Integer i = sparseIndex.get(number);
        return i == null ? -1 : i;
    }

    /** Reads fields up to the end of the input or the current limit, then builds the value. */
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        Object[] state = new Object[slots.length];
        long[] bits = bitCount > 0 ? new long[bitCount] : NO_BITS;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int i = indexOf(WireFormat.getTagFieldNumber(tag));
                if (i < 0) {
                    if (!in.skipField(tag)) {
                        throw DecodeFailure.unbalancedGroup();
                    }
                    continue;
                }
                FieldSlot s = slots[i];
                try {
                    if (kinds != null && tag == s.tag) {
                        switch (kinds[i]) {
                            case INT64 -> bits[bitIndex[i]] = in.readInt64();
                            case INT32 -> bits[bitIndex[i]] = in.readInt32();
                            case BOOL -> bits[bitIndex[i]] = in.readBool() ? 1 : 0;
                            case DOUBLE -> bits[bitIndex[i]] = Double.doubleToRawLongBits(in.readDouble());
                            case FLOAT -> bits[bitIndex[i]] = Float.floatToRawIntBits(in.readFloat());
                            case STRING -> state[i] = readString(in, limits);
                            case STRINGS -> state[i] = addString(state[i], readString(in, limits), limits);
                            case TIMESTAMP -> state[i] = SecondsNanosType.TIMESTAMP.read(in, limits, depth);
                            default -> state[i] = s.read(in, WireFormat.getTagWireType(tag), state[i], limits, depth);
                        }
                    } else {
                        state[i] = s.read(in, WireFormat.getTagWireType(tag), state[i], limits, depth);
                    }
                } catch (DecodeFailure f) {
                    throw f.at(name, s.javaName, s.number);
                } catch (InvalidArgumentException e) { // a limit passed, in the words of Limits
                    throw new DecodeFailure(e.getMessage()).at(name, s.javaName, s.number);
                } catch (InvalidProtocolBufferException e) {
                    throw DecodeFailure.of(e, limits).at(name, s.javaName, s.number);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw DecodeFailure.of(e, limits).in(name);
        } catch (DecodeFailure f) {
            throw f.in(name);
        }
        for (int i = 0; i < slots.length; i++) {
            if (kinds == null || kinds[i] == SLOT || kinds[i] == STRINGS || kinds[i] == TIMESTAMP) {
                state[i] = slots[i].finish(state[i]); // in place: the states are not needed any more
            } else if (kinds[i] == STRING && state[i] == null) {
                state[i] = "";
            }
        }
        try {
            return construct != null ? construct.invokeExact(state, bits) : shape.join(state);
        } catch (CourierException e) {
            throw e;
        } catch (Throwable e) {
            // A record's constructor may validate; its message is the record author's own words.
            throw new DecodeFailure("rejected by the constructor: " + e.getMessage()).in(name);
        }
    }

    /** A string field's value, as ScalarType.STRING reads it. */
    private static String readString(CodedInputStream in, Limits limits) throws IOException {
        String value = in.readStringRequireUtf8();
        limits.checkStringLength(null, value.length());
        return value;
    }

    /** One more element of a repeated string, as RepeatedSlot adds it. */
    @SuppressWarnings("unchecked")
    private static List<Object> addString(Object state, String value, Limits limits) {
        List<Object> values = state == null ? new ArrayList<>() : (List<Object>) state;
        limits.checkElements(null, values.size() + 1L);
        values.add(value);
        return values;
    }

    /** The bytes of {@code whole} as this message. */
    public byte[] encode(Object whole) {
        if (plan != null) {
            int stripe = ScratchBuffers.stripe();
            byte[] scratch = ScratchBuffers.take(stripe);
            if (scratch != null) {
                try {
                    CodedOutputStream out = CodedOutputStream.newInstance(scratch);
                    writeTo(out, whole);
                    return Arrays.copyOf(scratch, out.getTotalBytesWritten());
                } catch (CodedOutputStream.OutOfSpaceException e) {
                    // Larger than the buffer: sized first, below.
                } catch (IOException e) {
                    throw new IllegalStateException("I/O error writing an array while encoding " + name, e);
                } finally {
                    ScratchBuffers.give(stripe, scratch);
                }
            }
        }
        byte[] bytes = new byte[size(whole)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writeTo(out, whole);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("sizes disagree while encoding " + name, e);
        }
        return bytes;
    }

    /**
     * The value in {@code bytes}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public Object decode(byte[] bytes, Limits limits) {
        try {
            checkSize(bytes, limits);
            return read(input(bytes, limits), limits, 0);
        } catch (DecodeFailure f) {
            throw f.in(name).toException();
        } catch (IOException e) {
            throw new IllegalStateException("I/O error reading an array", e);
        }
    }

    /** Fails when {@code bytes} are more than one value may take. */
    static void checkSize(byte[] bytes, Limits limits) {
        try {
            limits.checkDecodedBytes(null, bytes.length);
        } catch (InvalidArgumentException e) {
            throw new DecodeFailure(e.getMessage());
        }
    }

    /** An input over {@code bytes} whose nested generated messages stop at the depth limit. */
    static CodedInputStream input(byte[] bytes, Limits limits) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(limits.maxNestingDepth());
        return in;
    }

    @Override
    public String toString() {
        return "MessageCodec[" + name + ", " + slots.length + " fields]";
    }
}
