package io.courier.avro.internal;

import io.courier.Limits;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Primitives, text and the values Courier carries as text or numbers: the table in
 * docs/formats.md. A primitive field defaults to 0 or {@code false}, as Courier's null rule reads
 * an absent primitive.
 */
final class ScalarType extends AvroType {
    private enum Kind { BOOLEAN, INT, SHORT, BYTE, CHAR, LONG, FLOAT, DOUBLE, STRING, BYTES, INSTANT, DATE, TEXT }

    private final Kind kind;
    private final Schema schema;
    private final boolean primitive;
    private final Function<String, Object> parse;

    private ScalarType(Kind kind, Schema schema, boolean primitive, Function<String, Object> parse) {
        this.kind = kind;
        this.schema = schema;
        this.primitive = primitive;
        this.parse = parse;
    }

    /** The scalar type of {@code c}, or null when {@code c} is not one. */
    static ScalarType of(Class<?> c, Limits limits) {
        boolean primitive = c.isPrimitive();
        if (c == boolean.class || c == Boolean.class) {
            return new ScalarType(Kind.BOOLEAN, Schema.create(Schema.Type.BOOLEAN), primitive, null);
        } else if (c == int.class || c == Integer.class) {
            return new ScalarType(Kind.INT, Schema.create(Schema.Type.INT), primitive, null);
        } else if (c == short.class || c == Short.class) {
            return new ScalarType(Kind.SHORT, Schema.create(Schema.Type.INT), primitive, null);
        } else if (c == byte.class || c == Byte.class) {
            return new ScalarType(Kind.BYTE, Schema.create(Schema.Type.INT), primitive, null);
        } else if (c == char.class || c == Character.class) {
            return new ScalarType(Kind.CHAR, Schema.create(Schema.Type.STRING), primitive, null);
        } else if (c == long.class || c == Long.class) {
            return new ScalarType(Kind.LONG, Schema.create(Schema.Type.LONG), primitive, null);
        } else if (c == float.class || c == Float.class) {
            return new ScalarType(Kind.FLOAT, Schema.create(Schema.Type.FLOAT), primitive, null);
        } else if (c == double.class || c == Double.class) {
            return new ScalarType(Kind.DOUBLE, Schema.create(Schema.Type.DOUBLE), primitive, null);
        } else if (c == String.class) {
            return new ScalarType(Kind.STRING, Schema.create(Schema.Type.STRING), false, null);
        } else if (c == byte[].class) {
            return new ScalarType(Kind.BYTES, Schema.create(Schema.Type.BYTES), false, null);
        } else if (c == Instant.class) {
            return new ScalarType(Kind.INSTANT, LogicalTypes.timestampNanos().addToSchema(Schema.create(Schema.Type.LONG)),
                    false, null);
        } else if (c == LocalDate.class) {
            return new ScalarType(Kind.DATE, LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)), false, null);
        } else if (c == UUID.class) {
            return text(LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING)), UUID::fromString);
        } else if (c == BigDecimal.class) {
            return text(Schema.create(Schema.Type.STRING), s -> limits.parseDecimal(null, s));
        } else if (c == BigInteger.class) {
            return text(Schema.create(Schema.Type.STRING), s -> limits.parseInteger(null, s));
        } else if (c == Duration.class) {
            return text(Schema.create(Schema.Type.STRING), Duration::parse);
        } else if (c == LocalTime.class) {
            return text(Schema.create(Schema.Type.STRING), LocalTime::parse);
        } else if (c == LocalDateTime.class) {
            return text(Schema.create(Schema.Type.STRING), LocalDateTime::parse);
        } else if (c == OffsetDateTime.class) {
            return text(Schema.create(Schema.Type.STRING), OffsetDateTime::parse);
        } else if (c == ZonedDateTime.class) {
            return text(Schema.create(Schema.Type.STRING), ZonedDateTime::parse);
        }
        return null;
    }

    private static ScalarType text(Schema schema, Function<String, Object> parse) {
        return new ScalarType(Kind.TEXT, schema, false, parse);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    Object fieldDefault() {
        if (!primitive) {
            return NO_DEFAULT;
        }
        return switch (kind) {
            case BOOLEAN -> false;
            case INT, SHORT, BYTE -> 0;
            case LONG -> 0L;
            case FLOAT -> 0.0f;
            case DOUBLE -> 0.0d;
            case CHAR -> "\u0000";
            default -> NO_DEFAULT;
        };
    }

    @Override
    public void write(Encoder out, Object value) throws IOException {
        switch (kind) {
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT -> out.writeInt((Integer) value);
            case SHORT -> out.writeInt((Short) value);
            case BYTE -> out.writeInt((Byte) value);
            case CHAR -> out.writeString(String.valueOf((char) (Character) value));
            case LONG -> out.writeLong((Long) value);
            case FLOAT -> out.writeFloat((Float) value);
            case DOUBLE -> out.writeDouble((Double) value);
            case STRING -> out.writeString((String) value);
            case BYTES -> out.writeBytes((byte[]) value);
            case INSTANT -> out.writeLong(nanos((Instant) value));
            case DATE -> out.writeInt(Math.toIntExact(((LocalDate) value).toEpochDay()));
            case TEXT -> out.writeString(value.toString());
        }
    }

    private static long nanos(Instant at) {
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Instant " + at + " (expected: between 1677-09-21 and 2262-04-11,"
                    + " what Avro's timestamp-nanos holds)");
        }
    }

    @Override
    public Object read(ResolvingDecoder in) throws IOException {
        return switch (kind) {
            case BOOLEAN -> in.readBoolean();
            case INT -> in.readInt();
            case SHORT -> (short) narrow(in.readInt(), Short.MIN_VALUE, Short.MAX_VALUE, "a short");
            case BYTE -> (byte) narrow(in.readInt(), Byte.MIN_VALUE, Byte.MAX_VALUE, "a byte");
            case CHAR -> character(in.readString());
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> in.readString();
            case BYTES -> bytes(in.readBytes(null));
            case INSTANT -> {
                long nanos = in.readLong();
                yield Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
            }
            case DATE -> LocalDate.ofEpochDay(in.readInt());
            case TEXT -> parse(in.readString());
        };
    }

    private Object parse(String text) {
        try {
            return parse.apply(text);
        } catch (DateTimeException | IllegalArgumentException e) {
            String shown = text.length() <= 64 ? text : text.substring(0, 61) + "...";
            throw new DecodeFailure("\"" + shown + "\" (expected: " + expected() + ")");
        } catch (io.courier.InvalidArgumentException e) {
            throw new DecodeFailure(e.getMessage().replaceFirst("^INVALID_ARGUMENT: ", ""));
        }
    }

    private String expected() {
        if (schema.getLogicalType() != null && schema.getLogicalType().getName().equals("uuid")) {
            return "a UUID";
        }
        return "the text of the declared type";
    }

    private static int narrow(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new DecodeFailure(value + " (expected: " + what + " from " + min + " to " + max + ")");
        }
        return value;
    }

    private static Object character(String text) {
        if (text.length() != 1) {
            throw new DecodeFailure("\"" + (text.length() > 16 ? text.substring(0, 13) + "..." : text)
                    + "\" (expected: one character)");
        }
        return text.charAt(0);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    @Override
    public String toString() {
        return schema.toString();
    }
}
