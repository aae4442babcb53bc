package io.courier.contract;

import java.lang.reflect.Type;
import java.util.List;

/**
 * One parameter of a contract method: where it travels ({@link Kind}) under which name, and its
 * type. Path, query and header parameters convert to and from strings with {@link #parse(List)}
 * and {@link #format(Object)}; the body goes through a codec. Immutable.
 */
public final class ParameterDescriptor {
    /** Where a parameter travels. */
    public enum Kind { PATH, QUERY, HEADER, BODY }

    private final int index;
    private final String name;
    private final Kind kind;
    private final Type type;
    private final StringConverter converter;
    private final boolean required;

    ParameterDescriptor(int index, String name, Kind kind, Type type, StringConverter converter, boolean required) {
        this.index = index;
        this.name = name;
        this.kind = kind;
        this.type = type;
        this.converter = converter;
        this.required = required;
    }

    /** The parameter's position in the method's signature. */
    public int index() {
        return index;
    }

    /** The path variable, query parameter or header name; the Java name for the body. */
    public String name() {
        return name;
    }

    /** Where the parameter travels. */
    public Kind kind() {
        return kind;
    }

    /** The declared (generic) type. */
    public Type type() {
        return type;
    }

    /**
     * Whether a call must carry a value: true unless the parameter is an {@code Optional}, is
     * annotated with an annotation whose simple name is {@code Nullable} (JSpecify, Jakarta,
     * JSR-305, JetBrains), or is a primitive (which always has a value). A required parameter
     * that arrives absent (an empty or {@code null} body, a missing query parameter or header,
     * an absent Protobuf field) is refused with {@code INVALID_ARGUMENT} before any server
     * interceptor runs, and a client refuses to send {@code null} for one.
     */
    public boolean required() {
        return required;
    }

    /**
     * The value for the strings received (all repetitions; empty when absent).
     *
     * @throws io.courier.InvalidArgumentException naming the parameter, the value and the
     *         expected form, when a value cannot be converted or a required one is missing
     */
    public Object parse(List<String> values) {
        return converter.parse(this, values);
    }

    /** The strings to send for {@code value}: none when absent, several for a collection. */
    public List<String> format(Object value) {
        return converter.format(value);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name;
    }
}
