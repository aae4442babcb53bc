package io.courier.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The documented mapping, written again independently of the codec: builds the
 * {@link DynamicMessage} that a record must equal, from the descriptor protoc compiled.
 */
final class Oracle {
    private Oracle() {
    }

    /** The message for a record: component n is field {@code @Field} or n (counting from 1). */
    static DynamicMessage message(Object record, Descriptor type) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Field f = components[i].getAnnotation(Field.class);
            FieldDescriptor fd = type.findFieldByNumber(f == null ? i + 1 : f.value());
            if (fd == null) {
                throw new AssertionError(type.getName() + " has no field for " + components[i].getName());
            }
            try {
                set(b, fd, components[i].getGenericType(), components[i].getAccessor().invoke(record));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return b.build();
    }

    /** Sets field {@code fd} to a value of Java type {@code type}, as the mapping says. */
    static void set(DynamicMessage.Builder b, FieldDescriptor fd, Type type, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Optional<?> o) {
            o.ifPresent(v -> b.setField(fd, convert(fd, v)));
        } else if (fd.isMapField()) {
            Descriptor entry = fd.getMessageType();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                DynamicMessage.Builder eb = DynamicMessage.newBuilder(entry);
                setSingular(eb, entry.findFieldByNumber(1), e.getKey());
                setSingular(eb, entry.findFieldByNumber(2), e.getValue());
                b.addRepeatedField(fd, eb.build());
            }
        } else if (fd.isRepeated()) {
            for (Object v : (Collection<?>) value) {
                b.addRepeatedField(fd, convert(fd, v));
            }
        } else {
            setSingular(b, fd, value);
        }
    }

    private static void setSingular(DynamicMessage.Builder b, FieldDescriptor fd, Object value) {
        if (value == null) {
            return;
        }
        Object v = convert(fd, value);
        if (!fd.hasPresence() && v.equals(fd.getDefaultValue())) {
            return; // proto3 leaves defaults out
        }
        b.setField(fd, v);
    }

    private static Object convert(FieldDescriptor fd, Object v) {
        return switch (fd.getJavaType()) {
            case INT -> ((Number) v).intValue();
            case LONG -> ((Number) v).longValue();
            case FLOAT, DOUBLE, BOOLEAN -> v;
            case STRING -> v.toString();
            case BYTE_STRING -> ByteString.copyFrom((byte[]) v);
            case ENUM -> fd.getEnumType().findValueByNumber(enumNumber((Enum<?>) v));
            case MESSAGE -> {
                Descriptor m = fd.getMessageType();
                if (m.getFullName().equals("google.protobuf.Timestamp")) {
                    Instant t = (Instant) v;
                    yield secondsNanos(m, t.getEpochSecond(), t.getNano());
                }
                if (m.getFullName().equals("google.protobuf.Duration")) {
                    Duration d = (Duration) v;
                    long s = d.getSeconds();
                    int n = d.getNano();
                    if (s < 0 && n > 0) {
                        s++;
                        n -= 1_000_000_000;
                    }
                    yield secondsNanos(m, s, n);
                }
                yield message(v, m);
            }
        };
    }

    private static DynamicMessage secondsNanos(Descriptor m, long seconds, int nanos) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(m);
        if (seconds != 0) {
            b.setField(m.findFieldByName("seconds"), seconds);
        }
        if (nanos != 0) {
            b.setField(m.findFieldByName("nanos"), nanos);
        }
        return b.build();
    }

    static int enumNumber(Enum<?> constant) {
        try {
            Field f = constant.getDeclaringClass().getField(constant.name()).getAnnotation(Field.class);
            return f == null ? constant.ordinal() : f.value();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }
}
