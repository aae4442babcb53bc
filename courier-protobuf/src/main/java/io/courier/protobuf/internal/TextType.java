package io.courier.protobuf.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A value Protobuf has no type for, sent as a {@code string} in its canonical text form:
 * {@code BigDecimal} and {@code BigInteger} exactly as their {@code toString()} writes them
 * ({@code "12.30"}, {@code "1E+10000000"}: scientific when that is shorter, never ten million
 * digits), read within the {@link Limits} of digits and scale, {@code UUID}, ISO-8601
 * dates and times ({@code "2024-05-01"}), a {@code char} as a one-character string. The empty
 * string, Protobuf's default, is absent: it decodes as {@code null}.
 */
final class TextType extends ProtoType {
    private static final Map<Class<?>, TextType> TYPES = Map.ofEntries(
            entry(BigDecimal.class, BigDecimal::new, "a decimal number such as 12.30"),
            entry(BigInteger.class, BigInteger::new, "an integer"),
            entry(UUID.class, UUID::fromString, "a UUID such as 123e4567-e89b-12d3-a456-426614174000"),
            entry(LocalDate.class, LocalDate::parse, "an ISO-8601 date such as 2024-05-01"),
            entry(LocalTime.class, LocalTime::parse, "an ISO-8601 time such as 10:15:30"),
            entry(LocalDateTime.class, LocalDateTime::parse, "an ISO-8601 date-time such as 2024-05-01T10:15:30"),
            entry(OffsetDateTime.class, OffsetDateTime::parse, "an ISO-8601 date-time with offset such as 2024-05-01T10:15:30+02:00"),
            entry(OffsetTime.class, OffsetTime::parse, "an ISO-8601 time with offset such as 10:15:30+02:00"),
            entry(ZonedDateTime.class, ZonedDateTime::parse, "an ISO-8601 zoned date-time such as 2024-05-01T10:15:30+02:00[Europe/Paris]"),
            entry(YearMonth.class, YearMonth::parse, "a year and month such as 2024-05"),
            entry(Year.class, Year::parse, "a year such as 2024"),
            entry(MonthDay.class, MonthDay::parse, "a month and day such as --05-01"),
            entry(Period.class, Period::parse, "an ISO-8601 period such as P1Y2M3D"),
            entry(Character.class, TextType::oneChar, "a single character"));

    private final Class<?> type;
    private final Function<String, Object> parser;
    private final String expected;

    private TextType(Class<?> type, Function<String, Object> parser, String expected) {
        this.type = type;
        this.parser = parser;
        this.expected = expected;
    }

    private static Map.Entry<Class<?>, TextType> entry(Class<?> type, Function<String, Object> parser, String expected) {
        return Map.entry(type, new TextType(type, parser, expected));
    }

    /** The text type for {@code type}, or null when it is not one. */
    static TextType forClass(Class<?> type) {
        return TYPES.get(type);
    }

    private static Object oneChar(String s) {
        if (s.length() != 1) {
            throw new IllegalArgumentException();
        }
        return s.charAt(0);
    }

    @Override
    int wireType() {
        return WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    @Override
    public String protoName(SchemaNames names) {
        return "string";
    }

    @Override
    Object defaultValue() {
        return null;
    }

    @Override
    boolean isDefault(Object value) {
        return value == null;
    }

    @Override
    int sizeNoTag(Object value) {
        return CodedOutputStream.computeStringSizeNoTag(value.toString());
    }

    @Override
    void writeNoTag(CodedOutputStream out, Object value) throws IOException {
        out.writeStringNoTag(value.toString());
    }

    @Override
    Object read(CodedInputStream in, Limits limits, int depth) throws IOException {
        String s = in.readStringRequireUtf8();
        if (s.isEmpty()) {
            return null;
        }
        try {
            // Parsing a number's text costs its length squared: bound it first, and the scale
            // after, so that a peer cannot hand this side a decimal of ten million digits.
            if (type == BigDecimal.class) {
                return limits.parseDecimal(null, s);
            }
            if (type == BigInteger.class) {
                return limits.parseInteger(null, s);
            }
            limits.checkStringLength(null, s.length());
            return parser.apply(s);
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
            throw new DecodeFailure("\"" + shown + "\" (expected: " + expected + ")");
        }
    }

    @Override
    public String comment() {
        return type.getSimpleName() + ": " + expected;
    }

    @Override
    boolean mapKey() {
        return true;
    }
}
