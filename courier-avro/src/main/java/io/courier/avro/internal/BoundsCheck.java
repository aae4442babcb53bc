package io.courier.avro.internal;

import io.courier.Limits;
import org.apache.avro.Schema;

/**
 * Walks Avro binary against its writer schema before anything is decoded, checking that every
 * length fits in what remains of the input and within {@link Limits}, every union and enum
 * index exists, every block of an array or map stays within the element limit, and nothing
 * follows the value. Avro's decoder allocates a string or byte array by the length the input
 * declares, so a ten-byte body could otherwise ask for two gigabytes; after this check, what
 * it allocates is bounded by the body's own size. Not thread-safe: one per decode.
 */
public final class BoundsCheck {
    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);
    private final byte[] in;
    private final Limits limits;
    private int pos;

    private BoundsCheck(byte[] in, Limits limits) {
        this.in = in;
        this.limits = limits;
    }

    /**
     * Checks that {@code bytes} are exactly one datum of {@code writer}.
     *
     * @throws DecodeFailure naming the path and what was wrong
     */
    public static void check(Schema writer, byte[] bytes, Limits limits) {
        BoundsCheck c = new BoundsCheck(bytes, limits);
        c.value(writer, 0);
        if (c.pos != bytes.length) {
            throw new DecodeFailure((bytes.length - c.pos) + " bytes after the end of the value (expected: one Avro"
                    + " datum of the writer's schema)");
        }
    }

    private void value(Schema s, int depth) {
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> {
                int b = take(1);
                if ((in[b] & 0xff) > 1) {
                    throw new DecodeFailure("boolean byte " + (in[b] & 0xff) + " (expected: 0 or 1)");
                }
            }
            case INT -> varint(5);
            case LONG -> varint(10);
            case FLOAT -> take(4);
            case DOUBLE -> take(8);
            case STRING, BYTES -> {
                long length = varint(10);
                if (length < 0 || length > in.length - pos) {
                    throw new DecodeFailure("declared length " + length + " with " + (in.length - pos)
                            + " bytes left (expected: a length that fits in the body)");
                }
                limits.checkStringLength(null, length);
                pos += (int) length;
            }
            case FIXED -> take(s.getFixedSize());
            case ENUM -> {
                long index = varint(5);
                if (index < 0 || index >= s.getEnumSymbols().size()) {
                    throw new DecodeFailure("enum index " + index + " (expected: 0 to " + (s.getEnumSymbols().size() - 1)
                            + ", the symbols of " + s.getName() + ")");
                }
            }
            case UNION -> {
                long index = varint(5);
                if (index < 0 || index >= s.getTypes().size()) {
                    throw new DecodeFailure("union branch " + index + " (expected: 0 to " + (s.getTypes().size() - 1) + ")");
                }
                value(s.getTypes().get((int) index), depth);
            }
            case RECORD -> {
                deeper(depth);
                for (Schema.Field f : s.getFields()) {
                    try {
                        value(f.schema(), depth + 1);
                    } catch (DecodeFailure failure) {
                        throw failure.under("." + f.name());
                    }
                }
            }
            case ARRAY -> blocks(s.getElementType(), false, depth);
            case MAP -> blocks(s.getValueType(), true, depth);
        }
    }

    private void blocks(Schema element, boolean map, int depth) {
        deeper(depth);
        long total = 0;
        while (true) {
            long count = varint(10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long size = varint(10); // the block's size in bytes, which a reader may use to skip it
                if (size < 0 || size > in.length - pos) {
                    throw new DecodeFailure("block of " + size + " bytes with " + (in.length - pos)
                            + " left (expected: a block that fits in the body)");
                }
            }
            total += count;
            limits.checkElements(null, total);
            for (long i = 0; i < count; i++) {
                try {
                    if (map) {
                        value(MAP_KEY, depth + 1);
                    }
                    value(element, depth + 1);
                } catch (DecodeFailure failure) {
                    throw failure.under("[" + (total - count + i) + "]");
                }
            }
        }
    }

    private void deeper(int depth) {
        limits.checkDepth(null, depth + 1);
    }

    private int take(int n) {
        if (n > in.length - pos) {
            throw new DecodeFailure("input ends " + (n - (in.length - pos)) + " bytes early (expected: the rest of the value)");
        }
        int at = pos;
        pos += n;
        return at;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long varint(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = in[take(1)] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new DecodeFailure("a variable-length number longer than " + maxBytes + " bytes (expected: a valid"
                + " Avro int or long)");
    }
}
