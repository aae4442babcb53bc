package io.courier.xml.internal;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;

/**
 * Turns Woodstox's and Jackson's exceptions into {@link InvalidArgumentException}s naming where
 * in the document the problem is and what was expected: the caller sees these, so they carry
 * none of the libraries' class names or source excerpts.
 */
public final class XmlErrors {
    private static final String PREFIX = "body: ";
    private static final Pattern LIBRARY_REFERENCE = Pattern.compile(
            ",? ?from `[^`]*`|`com\\.fasterxml[^`]*`|`com\\.ctc[^`]*`|\\s*\\[Source:.*|\\s*at \\[row,col.*",
            Pattern.DOTALL);

    private XmlErrors() {
    }

    /** A DOCTYPE: refused before its internal subset or any external reference is read. */
    public static InvalidArgumentException doctype() {
        return new InvalidArgumentException(PREFIX + "a DOCTYPE declaration (expected: XML without a DTD;"
                + " entities and external references are not read)");
    }

    /** An entity reference where none can be declared. */
    public static InvalidArgumentException entity(String name) {
        return new InvalidArgumentException(PREFIX + "entity reference &" + name
                + "; (expected: only the predefined entities and character references)");
    }

    /** Broken XML, as the parser reported it. */
    public static InvalidArgumentException malformed(XMLStreamException e) {
        String message = clean(e.getMessage());
        if (message.contains("DOCTYPE") || message.contains("DTD")) {
            return doctype();
        }
        if (message.contains("limit") && message.contains("Exceeded")) {
            // Woodstox's bounds, set from Courier's Limits: depth, text length, children per element.
            return new InvalidArgumentException(PREFIX + "too large or too deep" + at(e.getLocation()) + ": " + message);
        }
        if (message.contains("ndeclared") && message.contains("entity")) {
            return new InvalidArgumentException(PREFIX + "malformed XML" + at(e.getLocation()) + ": " + message
                    + " (expected: only the predefined entities and character references)");
        }
        return new InvalidArgumentException(PREFIX + "malformed XML" + at(e.getLocation()) + ": " + message);
    }

    /** The error for {@code e}, raised while reading a document into {@code type}. */
    public static CourierException translate(IOException e, Type type) {
        if (e instanceof JsonMappingException m && m.getCause() instanceof XMLStreamException x) {
            return malformed(x);
        }
        if (e.getCause() instanceof XMLStreamException x) {
            return malformed(x);
        }
        if (e instanceof StreamConstraintsException c) {
            return new InvalidArgumentException(PREFIX + "too large or too deep: " + clean(c.getOriginalMessage()));
        }
        if (e instanceof InvalidDefinitionException d && String.valueOf(d.getOriginalMessage())
                .startsWith("No fallback setter/field defined for creator property")) {
            // A record's element given twice: Jackson cannot set it again after the constructor
            // ran. The caller's document is wrong, as the JSON codec says of a property given twice.
            return new InvalidArgumentException(PREFIX + path(d) + ": given twice (expected: each element once)");
        }
        if (e instanceof InvalidDefinitionException d) {
            InternalException error = new InternalException("cannot decode XML into " + typeName(d.getType() == null
                    ? type : d.getType().getRawClass()) + " (expected: a record, a collection or a scalar)");
            error.addSuppressed(e);
            return error;
        }
        if (e instanceof InvalidFormatException f) {
            return new InvalidArgumentException(PREFIX + path(f) + ": \"" + abbreviate(String.valueOf(f.getValue()))
                    + "\" (expected: " + expected(f.getTargetType()) + ")");
        }
        if (e instanceof MismatchedInputException m) {
            return new InvalidArgumentException(PREFIX + path(m) + ": " + clean(m.getOriginalMessage())
                    + " (expected: " + expected(m.getTargetType()) + ")");
        }
        if (e instanceof JsonMappingException m) {
            return new InvalidArgumentException(PREFIX + path(m) + ": " + clean(m.getOriginalMessage()));
        }
        if (e instanceof StreamReadException s) {
            return new InvalidArgumentException(PREFIX + "malformed XML: " + clean(s.getOriginalMessage()));
        }
        return new InvalidArgumentException(PREFIX + "unreadable (expected: XML): " + clean(e.getMessage()));
    }

    /** {@code /order/items[2]/quantity} for the reference path of {@code e}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append('/').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }

    /** A library's message without source excerpts and references to its own classes. */
    public static String clean(String message) {
        if (message == null) {
            return "no details";
        }
        String firstLine = message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("at [row"))
                .findFirst().orElse("").strip();
        if (firstLine.startsWith("ParseError at [row,col]:")) {
            firstLine = message.lines().skip(1).findFirst().orElse("").replaceFirst("^Message: ", "").strip();
        }
        return abbreviate(LIBRARY_REFERENCE.matcher(firstLine).replaceAll("").strip());
    }

    /** {@code Order} for a class, the full generic name otherwise. */
    public static String typeName(Type type) {
        return type instanceof Class<?> c ? c.getSimpleName() : type.getTypeName();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of the declared type";
        }
        if (type.isEnum()) {
            StringBuilder sb = new StringBuilder("one of ");
            Object[] constants = type.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(((Enum<?>) constants[i]).name());
            }
            return sb.toString();
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "a " + type.getSimpleName();
    }

    private static String at(Location location) {
        return location == null || location.getLineNumber() < 0 ? ""
                : " at line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
