package io.courier.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What the null rule needs of one record class: its components (name, declared type, how absence
 * is treated, accessor) and its canonical constructor, read once per class. Thread-safe.
 */
final class RecordShape {
    /** How a component that arrived {@code null} is treated. */
    enum Absent {
        /** A primitive: never null. */
        NEVER,
        /** {@code Optional}: read as {@code Optional.empty()}. */
        EMPTY_OPTIONAL,
        /** A collection, map or array: read as an empty one. */
        EMPTY,
        /** Annotated {@code @Nullable}: stays null. */
        ALLOWED,
        /** Anything else: the call is refused. */
        REFUSED
    }

    record Component(String name, Type type, Absent absent, boolean descend, Method accessor,
                     Supplier<Object> empty) {
    }

    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return read(type);
        }
    };

    /** A class whose members Courier may not reach (a closed package on the module path): left unchecked. */
    private static final RecordShape UNREACHABLE = new RecordShape(new Component[0], null);

    final Component[] components;
    private final Constructor<?> canonical;

    private RecordShape(Component[] components, Constructor<?> canonical) {
        this.components = components;
        this.canonical = canonical;
    }

    /** The shape of {@code type}, a record class; null when its members cannot be reached. */
    static RecordShape of(Class<?> type) {
        RecordShape shape = SHAPES.get(type);
        return shape == UNREACHABLE ? null : shape;
    }

    private static RecordShape read(Class<?> type) {
        RecordComponent[] declared = type.getRecordComponents();
        Component[] components = new Component[declared.length];
        Class<?>[] types = new Class<?>[declared.length];
        for (int i = 0; i < declared.length; i++) {
            RecordComponent c = declared[i];
            types[i] = c.getType();
            Method accessor = c.getAccessor();
            if (!reachable(type, accessor)) {
                return UNREACHABLE;
            }
            components[i] = new Component(c.getName(), c.getGenericType(), absent(type, c),
                    RequiredValues.worthWalking(c.getGenericType()), accessor, EmptyValues.of(c.getType()));
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return reachable(type, canonical) ? new RecordShape(components, canonical) : UNREACHABLE;
        } catch (NoSuchMethodException e) {
            return UNREACHABLE;
        }
    }

    /**
     * Whether Courier may call {@code member}: a public member of a public record in a package
     * exported to it, or one it may open (the class path, or a package opened to it).
     */
    private static boolean reachable(Class<?> type, java.lang.reflect.Executable member) {
        boolean exported = Modifier.isPublic(type.getModifiers()) && Modifier.isPublic(member.getModifiers())
                && type.getModule().isExported(type.getPackageName(), RecordShape.class.getModule());
        return member.trySetAccessible() || exported;
    }

    private static Absent absent(Class<?> owner, RecordComponent c) {
        Class<?> raw = c.getType();
        if (raw.isPrimitive()) {
            return Absent.NEVER;
        }
        Field field = null;
        try {
            field = owner.getDeclaredField(c.getName());
        } catch (NoSuchFieldException e) {
            // every record component has its field; nothing more to read if not
        }
        if (Nullability.mayBeAbsent(c.getGenericType(), c.getAnnotatedType(), c, field, c.getAccessor())) {
            return Nullability.isOptional(c.getGenericType()) ? Absent.EMPTY_OPTIONAL : Absent.ALLOWED;
        }
        return EmptyValues.of(raw) != null ? Absent.EMPTY : Absent.REFUSED;
    }

    Object get(Object record, int index) {
        try {
            return components[index].accessor().invoke(record);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(components[index].name() + "() of " + record.getClass().getName()
                    + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new record of {@code values}; a constructor's own refusal is the caller's mistake. */
    Object create(Object[] values) {
        try {
            return canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(canonical.getDeclaringClass().getName() + " constructor failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "RecordShape" + Arrays.toString(components);
    }
}
