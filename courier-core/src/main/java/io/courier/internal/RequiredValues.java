package io.courier.internal;

import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
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
            } else if (mayHoldRecords(p.type())) {
                checked = walk(value, p.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + p.name(), missing, 0);
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
        if (!mayHoldRecords(type)) {
            return value;
        }
        List<String> missing = new ArrayList<>(0);
        Object checked = walk(value, what, missing, 0);
        if (!missing.isEmpty()) {
            throw new InvalidArgumentException(String.join("; ", missing));
        }
        return checked;
    }

    /** Whether a value of {@code type} may contain a record, so that walking it is worth it. */
    static boolean mayHoldRecords(Type type) {
        Boolean known = HOLDS_RECORDS.get(type);
        if (known != null) {
            return known;
        }
        boolean holds;
        if (type instanceof Class<?> c) {
            holds = c.isRecord() || c.isArray() && mayHoldRecords(c.getComponentType());
        } else if (type instanceof ParameterizedType p) {
            holds = false;
            for (Type arg : p.getActualTypeArguments()) {
                // a recursive record (a tree) is found here again: its own class answers true first
                holds |= arg != type && mayHoldRecords(arg);
            }
        } else if (type instanceof GenericArrayType g) {
            holds = mayHoldRecords(g.getGenericComponentType());
        } else {
            holds = false;
        }
        HOLDS_RECORDS.put(type, holds);
        return holds;
    }

    /** {@code value} with the rule applied inside it; the same instance when nothing changed. */
    private static Object walk(Object value, String path, List<String> missing, int depth) {
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
            Object inner = walk(o.get(), path, missing, depth + 1);
            return inner == o.get() ? o : Optional.of(inner);
        }
        if (value instanceof List<?> list) {
            List<Object> changed = null;
            for (int i = 0; i < list.size(); i++) {
                Object e = list.get(i);
                Object c = e == null ? null : walk(e, path + "[" + i + "]", missing, depth + 1);
                if (c != e && changed == null) {
                    changed = new ArrayList<>(list);
                }
                if (changed != null) {
                    changed.set(i, c);
                }
            }
            return changed == null ? list : Collections.unmodifiableList(changed);
        }
        if (value instanceof Set<?> set) {
            Set<Object> changed = new LinkedHashSet<>();
            boolean any = false;
            int i = 0;
            for (Object e : set) {
                Object c = e == null ? null : walk(e, path + "[" + i++ + "]", missing, depth + 1);
                any |= c != e;
                changed.add(c);
            }
            return any ? Collections.unmodifiableSet(changed) : set;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> changed = new LinkedHashMap<>();
            boolean any = false;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = e.getValue();
                Object c = v == null ? null : walk(v, path + "[" + e.getKey() + "]", missing, depth + 1);
                any |= c != v;
                changed.put(e.getKey(), c);
            }
            return any ? Collections.unmodifiableMap(changed) : map;
        }
        if (value instanceof Object[] array) {
            Object[] changed = null;
            for (int i = 0; i < array.length; i++) {
                Object e = array[i];
                Object c = e == null ? null : walk(e, path + "[" + i + "]", missing, depth + 1);
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
                checked = walk(v, at, missing, depth + 1);
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
