package io.courier.internal;

import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Courier's null rule, applied in one place for every transport and codec: the server's
 * dispatcher before any interceptor, the client before sending, and messaging before a handler.
 * Codecs only report absence (as {@code null}); this class decides what absence means:
 * <ul>
 *   <li>a parameter is required unless it is an {@code Optional}, a primitive, or annotated
 *       {@code @Nullable} (any annotation of that simple name); an absent {@code Optional} is
 *       {@code Optional.empty()};</li>
 *   <li>in a record, at any depth (inside collections, maps, arrays and {@code Optional}s too),
 *       an absent component reads as {@code Optional.empty()} for an {@code Optional}, as an
 *       empty collection, map or array for those, stays {@code null} when {@code @Nullable},
 *       and is otherwise refused;</li>
 *   <li>an element of a collection or array and a value of a map are never {@code null}, at any
 *       depth (Protobuf cannot carry such a {@code null}, so a contract that allowed it would work
 *       on one transport only, and a handler would meet it as a {@code NullPointerException});</li>
 *   <li>refusals are one {@link InvalidArgumentException} naming every missing value by its
 *       path, e.g. {@code body order.address.street: missing (expected: a String; ...)}.</li>
 * </ul>
 * Records whose members Courier cannot reach (a package closed to {@code io.courier.core} on the
 * module path) are passed unchecked. Thread-safe; stateless apart from caches.
 */
public final class RequiredValues {
    private static final int MAX_DEPTH = 64;
    private static final Map<Type, Boolean> HOLDS_RECORDS = new ConcurrentHashMap<>();

    private RequiredValues() {
    }

    /**
     * The arguments of a call of {@code method}, with absent optional values and collections
     * filled in (a new array when anything changed).
     *
     * @throws InvalidArgumentException naming each required value that is absent
     */
    public static Object[] check(MethodDescriptor method, Object[] args) {
        if (args == null || args.length == 0 || method.streaming().requests()) {
            return args; // a request stream's elements are decoded one by one, as they come
        }
        List<String> missing = new ArrayList<>(0);
        Object[] out = args;
        for (ParameterDescriptor p : method.parameters()) {
            Object value = args[p.index()];
            Object checked = value;
            if (value == null) {
                if (Nullability.isOptional(p.type())) {
                    checked = Optional.empty();
                } else if (p.required()) {
                    missing.add(p + ": missing (expected: " + expected(p.type())
                            + "; declare the parameter Optional or @Nullable if it may be absent)");
                }
            } else if (worthWalking(p.type())) {
                checked = walk(value, p.type(), p.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + p.name(),
                        missing, 0);
            }
            if (checked != value) {
                if (out == args) {
                    out = args.clone();
                }
                out[p.index()] = checked;
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidArgumentException(method.fullName() + ": " + String.join("; ", missing));
        }
        return out;
    }

    /**
     * {@code value}, received as {@code what} (a message payload, say), with the rule applied
     * to the records in it; a {@code null} value is refused.
     *
     * @throws InvalidArgumentException naming each required value that is absent
     */
    public static Object check(String what, Type type, Object value) {
        if (value == null) {
            if (Nullability.isOptional(type)) {
                return Optional.empty();
            }
            throw new InvalidArgumentException(what + ": missing (expected: " + expected(type) + ")");
        }
        if (!worthWalking(type)) {
            return value;
        }
        List<String> missing = new ArrayList<>(0);
        Object checked = walk(value, type, what, missing, 0);
        if (!missing.isEmpty()) {
            throw new InvalidArgumentException(String.join("; ", missing));
        }
        return checked;
    }

    /**
     * Whether a value of {@code type} may contain a record or a {@code null} element (a collection,
     * map or array of references), so that walking it is worth it.
     */
    static boolean worthWalking(Type type) {
        Boolean known = HOLDS_RECORDS.get(type);
        if (known != null) {
            return known;
        }
        boolean holds;
        if (type instanceof Class<?> c) {
            holds = c.isRecord() || c.isArray() && !c.getComponentType().isPrimitive()
                    || Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c);
        } else if (type instanceof ParameterizedType p) {
            holds = p.getRawType() instanceof Class<?> raw
                    && (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw));
            for (Type arg : p.getActualTypeArguments()) {
                // a recursive record (a tree) is found here again: its own class answers true first
                holds |= arg != type && worthWalking(arg);
            }
        } else if (type instanceof GenericArrayType) {
            holds = true;
        } else {
            holds = false;
        }
        HOLDS_RECORDS.put(type, holds);
        return holds;
    }

    /**
     * {@code value}, declared as {@code type} (null when not known), with the rule applied inside
     * it; the same instance when nothing changed.
     */
    private static Object walk(Object value, Type type, String path, List<String> missing, int depth) {
        if (depth > MAX_DEPTH) {
            return value; // deeper than any codec reads; nothing sensible to report
        }
        if (value instanceof Record record) {
            return record(record, path, missing, depth);
        }
        if (value instanceof Optional<?> o) {
            if (o.isEmpty()) {
                return o;
            }
            Object inner = walk(o.get(), typeArgument(type, 0), path, missing, depth + 1);
            return inner == o.get() ? o : Optional.of(inner);
        }
        if (value instanceof List<?> list) {
            Type elementType = typeArgument(type, 0);
            List<Object> changed = null;
            for (int i = 0; i < list.size(); i++) {
                Object e = list.get(i);
                Object c = element(e, elementType, path + "[" + i + "]", "a list", missing, depth);
                if (c != e && changed == null) {
                    changed = new ArrayList<>(list);
                }
                if (changed != null) {
                    changed.set(i, c);
                }
            }
            return changed == null ? list : Collections.unmodifiableList(changed);
        }
        if (value instanceof Collection<?> collection) {
            Type elementType = typeArgument(type, 0);
            List<Object> checked = new ArrayList<>(collection.size());
            boolean any = false;
            int i = 0;
            for (Object e : collection) {
                Object c = element(e, elementType, path + "[" + i++ + "]", "a collection", missing, depth);
                any |= c != e;
                checked.add(c);
            }
            if (!any) {
                return collection;
            }
            return value instanceof Set<?> ? Collections.unmodifiableSet(new LinkedHashSet<>(checked))
                    : Collections.unmodifiableList(checked);
        }
        if (value instanceof Map<?, ?> map) {
            Type valueType = typeArgument(type, 1);
            Map<Object, Object> changed = new LinkedHashMap<>();
            boolean any = false;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = e.getValue();
                // A key is the sender's text: bounded in the message, as any text sent back.
                String at = path + "[" + io.courier.spi.WireText.bounded(String.valueOf(e.getKey()), 64) + "]";
                Object c = element(v, valueType, at, "a map", missing, depth);
                any |= c != v;
                changed.put(e.getKey(), c);
            }
            return any ? Collections.unmodifiableMap(changed) : map;
        }
        if (value instanceof Object[] array) {
            Type elementType = type instanceof GenericArrayType g ? g.getGenericComponentType()
                    : array.getClass().getComponentType();
            Object[] changed = null;
            for (int i = 0; i < array.length; i++) {
                Object e = array[i];
                Object c = element(e, elementType, path + "[" + i + "]", "an array", missing, depth);
                if (c != e) {
                    if (changed == null) {
                        changed = array.clone();
                    }
                    changed[i] = c;
                }
            }
            return changed == null ? array : changed;
        }
        return value;
    }

    /** One element of a collection, array or map ({@code in}), refused when null. */
    private static Object element(Object e, Type type, String path, String in, List<String> missing, int depth) {
        if (e == null) {
            missing.add(path + ": null (expected: " + (type == null ? "a value" : expected(type))
                    + "; an element of " + in + " is never null)");
            return null;
        }
        return walk(e, type, path, missing, depth + 1);
    }

    /** The {@code index}th type argument of {@code type}, or null when it has none to give. */
    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && index < p.getActualTypeArguments().length) {
            Type arg = p.getActualTypeArguments()[index];
            return arg instanceof Class<?> || arg instanceof ParameterizedType || arg instanceof GenericArrayType
                    ? arg : null; // a wildcard or type variable names nothing useful
        }
        return null;
    }

    private static Object record(Record record, String path, List<String> missing, int depth) {
        RecordShape shape = RecordShape.of(record.getClass());
        if (shape == null) {
            return record;
        }
        Object[] values = null;
        int before = missing.size();
        for (int i = 0; i < shape.components.length; i++) {
            RecordShape.Component c = shape.components[i];
            Object v = shape.get(record, i);
            String at = path + "." + c.name();
            Object checked = v;
            if (v == null) {
                switch (c.absent()) {
                    case EMPTY_OPTIONAL -> checked = Optional.empty();
                    case EMPTY -> checked = c.empty().get();
                    case REFUSED -> missing.add(at + ": missing (expected: " + expected(c.type())
                            + "; declare the component Optional or @Nullable if it may be absent)");
                    default -> { } // NEVER, ALLOWED
                }
            } else if (c.descend()) {
                checked = walk(v, c.type(), at, missing, depth + 1);
            }
            if (checked != v) {
                if (values == null) {
                    values = new Object[shape.components.length];
                    for (int j = 0; j < i; j++) {
                        values[j] = shape.get(record, j);
                    }
                }
            }
            if (values != null) {
                values[i] = checked;
            }
        }
        if (values == null || missing.size() > before) {
            return record; // refused anyway: no need to build the filled-in copy
        }
        return shape.create(values);
    }

    /** What a value of {@code type} is, for messages: {@code an Order}, {@code a List<Item>}. */
    private static String expected(Type type) {
        String name = type instanceof Class<?> c ? c.getSimpleName() : simple(type.getTypeName());
        return ("AEIOU".indexOf(Character.toUpperCase(name.charAt(0))) >= 0 ? "an " : "a ") + name;
    }

    private static String simple(String typeName) {
        return typeName.replaceAll("[\\w$]+[.$]", "");
    }
}
