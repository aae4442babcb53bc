package io.courier.avro.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.ResolvingDecoder;

/** Arrays (lists and sets), maps with string keys, nullable values (unions with null) and enums. */
final class ContainerTypes {
    private ContainerTypes() {
    }

    /** A {@code List}, {@code Set} or {@code Collection} as an Avro array; absent reads as empty. */
    static final class ArrayType extends AvroType {
        private final AvroType element;
        private final boolean set;
        private final Schema schema;

        ArrayType(AvroType element, boolean set) {
            this.element = element;
            this.set = set;
            this.schema = Schema.createArray(element.schema());
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        Object fieldDefault() {
            return List.of();
        }

        @Override
        Object absent() {
            return set ? Set.of() : List.of();
        }

        @Override
        public void write(Encoder out, Object value) throws IOException {
            Collection<?> items = (Collection<?>) value;
            out.writeArrayStart();
            out.setItemCount(items.size());
            int i = 0;
            for (Object item : items) {
                out.startItem();
                if (item == null) {
                    throw new IllegalArgumentException("[" + i + "]: null (expected: an element; Avro arrays hold no nulls)");
                }
                element.write(out, item);
                i++;
            }
            out.writeArrayEnd();
        }

        @Override
        public Object read(ResolvingDecoder in) throws IOException {
            List<Object> items = new ArrayList<>();
            int i = 0;
            for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                for (long j = 0; j < n; j++, i++) {
                    try {
                        items.add(element.read(in));
                    } catch (DecodeFailure f) {
                        throw f.under("[" + i + "]");
                    }
                }
            }
            return set ? java.util.Collections.unmodifiableSet(new LinkedHashSet<>(items))
                    : java.util.Collections.unmodifiableList(items);
        }
    }

    /** A {@code Map<String, V>} as an Avro map; absent reads as empty. */
    static final class MapType extends AvroType {
        private final AvroType value;
        private final Schema schema;

        MapType(AvroType value) {
            this.value = value;
            this.schema = Schema.createMap(value.schema());
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        Object fieldDefault() {
            return Map.of();
        }

        @Override
        Object absent() {
            return Map.of();
        }

        @Override
        public void write(Encoder out, Object v) throws IOException {
            Map<?, ?> map = (Map<?, ?>) v;
            out.writeMapStart();
            out.setItemCount(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.startItem();
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("map entry " + e.getKey() + ": null (expected: a key and a value)");
                }
                out.writeString((String) e.getKey());
                value.write(out, e.getValue());
            }
            out.writeMapEnd();
        }

        @Override
        public Object read(ResolvingDecoder in) throws IOException {
            Map<String, Object> map = new LinkedHashMap<>();
            for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                for (long j = 0; j < n; j++) {
                    String key = in.readString();
                    try {
                        map.put(key, value.read(in));
                    } catch (DecodeFailure f) {
                        throw f.under("['" + (key.length() > 32 ? key.substring(0, 29) + "..." : key) + "']");
                    }
                }
            }
            return java.util.Collections.unmodifiableMap(map);
        }
    }

    /**
     * An {@code Optional} or {@code @Nullable} value: the union {@code ["null", T]}, defaulting
     * to null, so a reader may gain or lose such a field freely.
     */
    static final class NullableType extends AvroType {
        private final AvroType value;
        private final boolean optional;
        private final Schema schema;

        NullableType(AvroType value, boolean optional) {
            this.value = value;
            this.optional = optional;
            this.schema = Schema.createUnion(Schema.create(Schema.Type.NULL), value.schema());
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        Object fieldDefault() {
            return JsonProperties.NULL_VALUE;
        }

        @Override
        Object absent() {
            return optional ? Optional.empty() : null;
        }

        @Override
        public void write(Encoder out, Object v) throws IOException {
            Object present = optional ? ((Optional<?>) v).orElse(null) : v;
            if (present == null) {
                out.writeIndex(0);
                out.writeNull();
            } else {
                out.writeIndex(1);
                value.write(out, present);
            }
        }

        @Override
        public Object read(ResolvingDecoder in) throws IOException {
            if (in.readIndex() == 0) {
                in.readNull();
                return optional ? Optional.empty() : null;
            }
            Object read = value.read(in);
            return optional ? Optional.of(read) : read;
        }
    }

    /** An enum as an Avro enum of its constants' names, in declaration order. */
    static final class EnumType extends AvroType {
        private final Object[] constants;
        private final Schema schema;

        EnumType(Class<?> type, String namespace) {
            this.constants = type.getEnumConstants();
            List<String> symbols = new ArrayList<>();
            for (Object c : constants) {
                symbols.add(((Enum<?>) c).name());
            }
            this.schema = Schema.createEnum(type.getSimpleName(), null, namespace, symbols);
        }

        @Override
        public Schema schema() {
            return schema;
        }

        @Override
        public void write(Encoder out, Object value) throws IOException {
            out.writeEnum(((Enum<?>) value).ordinal());
        }

        @Override
        public Object read(ResolvingDecoder in) throws IOException {
            return constants[in.readEnum()];
        }
    }
}
