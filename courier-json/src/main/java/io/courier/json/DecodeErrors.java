package io.courier.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns Jackson's exceptions into {@link InvalidArgumentException}s whose messages name the JSON
 * path, the value found and what was expected, in Courier's words: the caller sees these, so
 * they carry none of Jackson's class names, source excerpts or stack traces.
 */
final class DecodeErrors {
    private static final String PREFIX = "body: ";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern JACKSON_REFERENCE = Pattern.compile(
            ",? ?from `[^`]*`|\\s*\\(for (?:Array|Object|root) starting at.*|:? ?(?:enable|disable) `[^`]*`(?: to allow)?|`com\\.fasterxml[^`]*`|\\s*\\[Source:.*",
            Pattern.DOTALL);

    private DecodeErrors() {
    }

    static InvalidArgumentException empty() {
        return new InvalidArgumentException(PREFIX + "empty (expected: a JSON value)");
    }

    static InvalidArgumentException trailing(JsonParser parser) {
        return new InvalidArgumentException(PREFIX + "unexpected " + found(parser) + " after the JSON value"
                + at(parser.currentTokenLocation()) + " (expected: one JSON value)");
    }

    /** The error for {@code e}, raised while reading {@code parser} (null if it never opened) into {@code type}. */
    static CourierException translate(IOException e, JsonParser parser, Type type) {
        if (e instanceof JsonMappingException m && m.getCause() instanceof StreamReadException syntax
                && !(syntax instanceof InputCoercionException)) {
            e = syntax; // broken syntax inside a value: report it as malformed, not as a mismatch
        }
        if (e instanceof StreamConstraintsException c) {
            return new InvalidArgumentException(PREFIX + "too large or too deep: " + clean(c.getOriginalMessage()));
        }
        if (e instanceof InputCoercionException c) {
            return outOfRange("$", parser, c.getTargetType());
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof InputCoercionException c) {
            return outOfRange(path(m), parser, c.getTargetType());
        }
        if (e instanceof JsonEOFException eof) {
            return new InvalidArgumentException(PREFIX + "malformed JSON" + at(eof.getLocation())
                    + ": unexpected end of input (expected: the rest of the JSON value)");
        }
        if (e instanceof StreamReadException s) {
            return new InvalidArgumentException(PREFIX + "malformed JSON" + at(s.getLocation()) + ": "
                    + clean(s.getOriginalMessage()));
        }
        if (e instanceof InvalidDefinitionException d && String.valueOf(d.getOriginalMessage())
                .startsWith("No fallback setter/field defined for creator property")) {
            // A record's property given twice: Jackson cannot set it again after the constructor ran.
            return new InvalidArgumentException(PREFIX + path(d) + ": given twice (expected: each property once)");
        }
        if (e instanceof InvalidDefinitionException d) {
            // The declared type cannot be decoded at all: a fault of the contract, not the caller.
            InternalException error = new InternalException("cannot decode JSON into " + typeName(d.getType() == null
                    ? type : d.getType().getRawClass()) + " (expected: a record, a class with a constructor Jackson "
                    + "can use, a collection or a scalar)");
            error.addSuppressed(e); // for the server's log; its cause is fixed at null, so initCause would throw
            return error;
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause();
            String reason = cause instanceof CourierException c ? c.getMessage()
                    : cause != null && cause.getMessage() != null ? cause.getMessage() : "rejected by its constructor";
            return new InvalidArgumentException(PREFIX + path(v) + ": invalid " + describeType(v.getType() == null
                    ? null : v.getType().getRawClass()) + ": " + reason);
        }
        if (e instanceof InvalidNullException n) {
            return new InvalidArgumentException(PREFIX + path(n) + ": null (expected: " + expected(n.getTargetType()) + ")");
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() == byte[].class) {
            // Jackson decodes base64 as it reads the string: the value it reports is what it had
            // read when it stopped, or the token after the string, never what was sent.
            return new InvalidArgumentException(PREFIX + path(f) + ": a string that is not base64 (expected: "
                    + expected(byte[].class) + ")");
        }
        if (e instanceof InvalidFormatException f) {
            return new InvalidArgumentException(PREFIX + path(f) + ": " + quote(f.getValue()) + " (expected: "
                    + expected(f.getTargetType()) + ")");
        }
        if (e instanceof MismatchedInputException m) {
            String found = parser == null ? "a value" : found(parser);
            if (parser != null && parser.currentToken() == JsonToken.END_OBJECT && endsWithField(m)) {
                found = "missing"; // a primitive record component that was left out
            }
            return new InvalidArgumentException(PREFIX + path(m) + ": " + found + " (expected: "
                    + expected(elementType(m)) + ")");
        }
        if (e instanceof JsonMappingException m) {
            return new InvalidArgumentException(PREFIX + path(m) + ": " + clean(m.getOriginalMessage()));
        }
        return new InvalidArgumentException(PREFIX + "unreadable (expected: JSON): " + clean(e.getMessage()));
    }

    private static InvalidArgumentException outOfRange(String path, JsonParser parser, Class<?> type) {
        String range = type == int.class || type == Integer.class ? " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                : type == long.class || type == Long.class ? " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                : type == short.class || type == Short.class ? " from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE
                : type == byte.class || type == Byte.class ? " from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE : "";
        String found = parser == null ? "a number" : found(parser);
        return new InvalidArgumentException(PREFIX + path + ": " + found + " (expected: " + expected(type) + range + ")");
    }

    private static boolean endsWithField(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        return !path.isEmpty() && path.get(path.size() - 1).getFieldName() != null;
    }

    /**
     * The type of the value at the error's path: primitive arrays report themselves, not the
     * element that failed.
     */
    private static Class<?> elementType(JsonMappingException e) {
        Class<?> type = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        List<JsonMappingException.Reference> path = e.getPath();
        if (type != null && type.isArray() && !path.isEmpty() && path.get(path.size() - 1).getIndex() >= 0) {
            return type.getComponentType();
        }
        return type;
    }

    /** A Jackson message without its source excerpts and references to its own classes. */
    static String clean(String message) {
        if (message == null) {
            return "no details";
        }
        String firstLine = message.lines().findFirst().orElse("").strip();
        return JACKSON_REFERENCE.matcher(firstLine).replaceAll("").strip();
    }

    /** {@code $.items[2].quantity} for the reference path of {@code e}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            String field = ref.getFieldName();
            if (field != null) {
                if (IDENTIFIER.matcher(field).matches()) {
                    sb.append('.').append(field);
                } else {
                    sb.append("['").append(field.replace("\\", "\\\\").replace("'", "\\'")).append("']");
                }
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** What the parser stands on, as a caller would write it. */
    private static String found(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "end of input";
        }
        try {
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case END_OBJECT -> "the end of an object";
                case END_ARRAY -> "the end of an array";
                case FIELD_NAME -> "the field " + quote(parser.currentName());
                case VALUE_STRING -> quote(parser.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> abbreviate(parser.getText());
                case VALUE_TRUE -> "true";
                case VALUE_FALSE -> "false";
                case VALUE_NULL -> "null";
                default -> "a value";
            };
        } catch (IOException | RuntimeException e) {
            return "a value";
        }
    }

    private static String quote(Object value) {
        if (value instanceof String s) {
            return "\"" + abbreviate(s) + "\"";
        }
        return value == null ? "null" : abbreviate(String.valueOf(value));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    /** What a JSON value for {@code type} looks like, in words a caller understands. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a value of the declared type";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == BigDecimal.class || type == Number.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == char.class || type == Character.class) {
            return "a string of one character";
        }
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (TemporalAccessor.class.isAssignableFrom(type) || type == java.time.Duration.class
                || type == java.time.Period.class || type == java.time.ZoneId.class) {
            return "an ISO-8601 " + type.getSimpleName() + " string";
        }
        if (type == byte[].class) {
            return "a base64 string, padded with '='";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == Optional.class) {
            return "a value or null";
        }
        return "an object";
    }

    private static String describeType(Class<?> type) {
        return type == null ? "value" : type.getSimpleName();
    }

    private static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            return c.getSimpleName();
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return raw.getSimpleName() + "<...>";
        }
        return String.valueOf(type);
    }
}
