package io.courier.avro.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.reflect.AvroAlias;

/**
 * A Java record as an Avro record: one field per component, in declaration order, named as
 * the component; the record named by its simple name in a namespace of its package and
 * enclosing classes. {@code @AvroAlias} on a component gives the field aliases (a component
 * renamed from an older name reads data written under that name).
 */
final class RecordType extends AvroType {
    private final Class<?> type;
    private final Schema schema;
    private AvroType[] components;
    private MethodHandle[] accessors;
    private MethodHandle constructor;

    /** The schema shell, so that a recursive reference finds it; {@link #complete} fills it in. */
    RecordType(Class<?> type, String namespace) {
        this.type = type;
        this.schema = Schema.createRecord(type.getSimpleName(), null, namespace, false);
    }

    void complete(AvroTypes types) {
        RecordComponent[] rc = type.getRecordComponents();
        AvroType[] comps = new AvroType[rc.length];
        MethodHandle[] access = new MethodHandle[rc.length];
        List<Schema.Field> fields = new ArrayList<>();
        Class<?>[] parameterTypes = new Class<?>[rc.length];
        try {
            for (int i = 0; i < rc.length; i++) {
                RecordComponent c = rc[i];
                String where = type.getSimpleName() + "." + c.getName();
                comps[i] = types.component(c, where);
                c.getAccessor().setAccessible(true);
                access[i] = MethodHandles.lookup().unreflect(c.getAccessor());
                parameterTypes[i] = c.getType();
                Object fieldDefault = comps[i].fieldDefault();
                Schema.Field field = fieldDefault == NO_DEFAULT ? new Schema.Field(c.getName(), comps[i].schema())
                        : new Schema.Field(c.getName(), comps[i].schema(), null, fieldDefault);
                for (String alias : aliases(c)) {
                    field.addAlias(alias);
                }
                fields.add(field);
            }
            var ctor = type.getDeclaredConstructor(parameterTypes);
            ctor.setAccessible(true);
            constructor = MethodHandles.lookup().unreflectConstructor(ctor)
                    .asSpreader(Object[].class, rc.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof IllegalArgumentException contract) {
                throw contract;
            }
            throw new IllegalArgumentException(type.getName() + ": not accessible to courier-avro (expected: a public"
                    + " record, or its package opened to io.courier.avro): " + e.getMessage(), e);
        }
        for (AvroAlias alias : type.getAnnotationsByType(AvroAlias.class)) {
            // space names the namespace of a record that also moved; by default the record's own.
            schema.addAlias(alias.alias(), AvroAlias.NULL.equals(alias.space()) ? null : alias.space());
        }
        schema.setFields(fields);
        this.components = comps;
        this.accessors = access;
    }

    private List<String> aliases(RecordComponent c) {
        List<String> aliases = new ArrayList<>();
        try {
            Field field = type.getDeclaredField(c.getName());
            for (AvroAlias alias : field.getAnnotationsByType(AvroAlias.class)) {
                aliases.add(alias.alias());
            }
        } catch (NoSuchFieldException e) {
            // Every component has its field.
        }
        return aliases;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public void write(Encoder out, Object value) throws IOException {
        for (int i = 0; i < components.length; i++) {
            Object v;
            try {
                v = accessors[i].invoke(value);
            } catch (Throwable t) {
                throw new IllegalStateException(type.getSimpleName() + "." + schema.getFields().get(i).name()
                        + ": accessor failed", t);
            }
            if (v == null) {
                v = components[i].absent();
                if (v == null && !(components[i] instanceof ContainerTypes.NullableType)) {
                    throw new IllegalArgumentException(type.getSimpleName() + "." + schema.getFields().get(i).name()
                            + ": null (expected: a value; declare the component Optional or @Nullable if it may be absent)");
                }
            }
            try {
                components[i].write(out, v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + schema.getFields().get(i).name() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public Object read(ResolvingDecoder in) throws IOException {
        Object[] values = new Object[components.length];
        for (Schema.Field f : in.readFieldOrder()) {
            int i = f.pos();
            try {
                values[i] = components[i].read(in);
            } catch (DecodeFailure failure) {
                throw failure.under("." + f.name());
            }
        }
        try {
            return constructor.invokeExact(values);
        } catch (RuntimeException e) {
            // The record's own constructor refused the values: the caller's data, not the server.
            throw new DecodeFailure("invalid " + type.getSimpleName() + ": " + e.getMessage());
        } catch (Throwable t) {
            throw new IllegalStateException(type.getSimpleName() + ": constructor failed", t);
        }
    }
}
