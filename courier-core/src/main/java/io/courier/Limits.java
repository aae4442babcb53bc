package io.courier;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The limits a {@code Courier} enforces on what it receives. Immutable and thread-safe; built
 * by {@link #builder()}.
 *
 * <ul>
 *   <li>Size limits, enforced by transports on each request: body and header bytes (HTTP 413
 *       or 431, {@link Status#RESOURCE_EXHAUSTED}).</li>
 *   <li>Decode limits, enforced by every codec on every transport (REST, gRPC, messaging) while
 *       it reads a value, so that a small hostile payload cannot make it work for minutes: the
 *       digits of a number, the scale of a decimal, the length of a string, the nesting depth,
 *       the elements of one collection, map or array, and the bytes of one encoded value. A
 *       payload past one is refused with {@link InvalidArgumentException} (HTTP 400,
 *       {@link Status#INVALID_ARGUMENT}) naming the field, what was found and the limit, e.g.
 *       {@code body: $.amount: scale -10000000 exceeds the limit 1000 (maxDecimalScale)}.</li>
 * </ul>
 *
 * <pre>{@code
 * Courier.builder().limits(Limits.builder().maxBodyBytes(1 << 20).maxDecimalScale(100).build())
 * }</pre>
 *
 * <p>Codecs receive them through {@link io.courier.spi.Codec#withLimits(Limits)} and check
 * values with the {@code check...} methods here, which throw the error described above; each
 * takes {@code where}, the field's name in the message, or null to leave it out.
 *
 * <p>An immutable value: limits with the same values are equal; variants by {@link #toBuilder()}.
 *
 * @param maxBodyBytes the largest request body accepted, in bytes
 * @param maxHeaderBytes the largest total size of request headers accepted, in bytes, at least 1,024
 * @param maxNumberLength the most characters of one number (digits, sign, point and exponent), so
 *     also the size of a {@code BigInteger}: 1,000 digits are about 3,300 bits
 * @param maxDecimalScale the largest magnitude of a {@code BigDecimal}'s scale, at least 0:
 *     {@code 1e10000000} has scale -10,000,000 and would take ten million digits written out in full
 * @param maxStringLength the longest string or byte string, in characters (bytes for binary values)
 * @param maxNestingDepth the deepest nesting of objects, arrays and messages
 * @param maxElements the most elements of one collection, map or array (entries of a JSON object included)
 * @param maxDecodedBytes the largest encoded value a codec decodes, in bytes: a body, a gRPC
 *     message, a message payload
 */
public record Limits(
        int maxBodyBytes,
        int maxHeaderBytes,
        int maxNumberLength,
        int maxDecimalScale,
        int maxStringLength,
        int maxNestingDepth,
        int maxElements,
        int maxDecodedBytes) {
    private static final Limits DEFAULTS = builder().build();

    /**
     * Checks every component, with the builder's messages; all are positive, but
     * {@code maxHeaderBytes} is at least 1,024 and {@code maxDecimalScale} may be 0.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range
     */
    public Limits {
        positive("maxBodyBytes", maxBodyBytes);
        checkMaxHeaderBytes(maxHeaderBytes);
        positive("maxNumberLength", maxNumberLength);
        checkMaxDecimalScale(maxDecimalScale);
        positive("maxStringLength", maxStringLength);
        positive("maxNestingDepth", maxNestingDepth);
        positive("maxElements", maxElements);
        positive("maxDecodedBytes", maxDecodedBytes);
    }

    /**
     * 16 MiB bodies, 16 KiB of headers; numbers of at most 1,000 characters, decimal scales
     * within ±1,000, strings of at most 16 Mi characters, 100 levels of nesting, 1,000,000
     * elements per collection, 16 MiB per decoded value.
     */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code text} as a {@code BigDecimal}, checked against {@link #maxNumberLength()} before
     * parsing and {@link #maxDecimalScale()} after.
     *
     * @param where names the value in errors, e.g. {@code body: $.amount}
     * @throws NumberFormatException when {@code text} is no number
     * @throws InvalidArgumentException when it is past a limit
     */
    public BigDecimal parseDecimal(String where, String text) {
        checkNumberLength(where, text.length());
        BigDecimal value = new BigDecimal(text);
        checkDecimal(where, value);
        return value;
    }

    /**
     * {@code text} as a {@code BigInteger}, checked against {@link #maxNumberLength()} before parsing.
     *
     * @throws NumberFormatException when {@code text} is no integer
     * @throws InvalidArgumentException when it is longer than the limit
     */
    public BigInteger parseInteger(String where, String text) {
        checkNumberLength(where, text.length());
        return new BigInteger(text);
    }

    /** Fails when a number of {@code length} characters is longer than {@link #maxNumberLength()}. */
    public void checkNumberLength(String where, long length) {
        check(where, length, maxNumberLength, "a number of ", " characters", "maxNumberLength");
    }

    /** Fails when {@code value}'s scale or digits are past {@link #maxDecimalScale()} or {@link #maxNumberLength()}. */
    public void checkDecimal(String where, BigDecimal value) {
        int scale = value.scale();
        if (Math.abs((long) scale) > maxDecimalScale) {
            throw exceeded(where, "scale " + scale, maxDecimalScale, "maxDecimalScale");
        }
        checkNumberLength(where, value.precision());
    }

    /** Fails when a string of {@code length} characters (or bytes) is longer than {@link #maxStringLength()}. */
    public void checkStringLength(String where, long length) {
        check(where, length, maxStringLength, "a string of ", " characters", "maxStringLength");
    }

    /** Fails when {@code depth} levels of nesting are more than {@link #maxNestingDepth()}. */
    public void checkDepth(String where, long depth) {
        check(where, depth, maxNestingDepth, "nesting of ", " levels", "maxNestingDepth");
    }

    /** Fails when one collection, map or array holding {@code count} elements is more than {@link #maxElements()}. */
    public void checkElements(String where, long count) {
        check(where, count, maxElements, "", " elements", "maxElements");
    }

    /** Fails when an encoded value of {@code bytes} is larger than {@link #maxDecodedBytes()}. */
    public void checkDecodedBytes(String where, long bytes) {
        check(where, bytes, maxDecodedBytes, "", " bytes", "maxDecodedBytes");
    }

    private static void check(String where, long found, int limit, String before, String after, String name) {
        if (found > limit) {
            throw exceeded(where, before + found + after, limit, name);
        }
    }

    /**
     * The error for a value past a limit: {@code "where: what exceeds the limit N (name)"}, or
     * without {@code "where: "} when {@code where} is null (for a codec that adds the path itself).
     */
    public static InvalidArgumentException exceeded(String where, String what, long limit, String name) {
        String message = what + " exceeds the limit " + limit + " (" + name + ")";
        return new InvalidArgumentException(where == null ? message : where + ": " + message);
    }

    /** A builder holding this instance's values. */
    public Builder toBuilder() {
        return new Builder().maxBodyBytes(maxBodyBytes).maxHeaderBytes(maxHeaderBytes)
                .maxNumberLength(maxNumberLength).maxDecimalScale(maxDecimalScale).maxStringLength(maxStringLength)
                .maxNestingDepth(maxNestingDepth).maxElements(maxElements).maxDecodedBytes(maxDecodedBytes);
    }

    private static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    private static int checkMaxHeaderBytes(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes: " + bytes + " (expected: >= 1024)");
        }
        return bytes;
    }

    private static int checkMaxDecimalScale(int scale) {
        if (scale < 0) {
            throw new IllegalArgumentException("maxDecimalScale: " + scale + " (expected: >= 0)");
        }
        return scale;
    }

    /** Builds {@link Limits}; not thread-safe. */
    public static final class Builder {
        private int maxBodyBytes = 16 * 1024 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private int maxNumberLength = 1000;
        private int maxDecimalScale = 1000;
        private int maxStringLength = 16 * 1024 * 1024;
        private int maxNestingDepth = 100;
        private int maxElements = 1_000_000;
        private int maxDecodedBytes = 16 * 1024 * 1024;

        private Builder() {
        }

        /** The largest request body accepted, in bytes. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = positive("maxBodyBytes", bytes);
            return this;
        }

        /** The largest total size of request headers accepted, in bytes. */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = checkMaxHeaderBytes(bytes);
            return this;
        }

        /** The most characters of one number (default 1,000). */
        public Builder maxNumberLength(int length) {
            this.maxNumberLength = positive("maxNumberLength", length);
            return this;
        }

        /** The largest magnitude of a decimal's scale (default 1,000). */
        public Builder maxDecimalScale(int scale) {
            this.maxDecimalScale = checkMaxDecimalScale(scale);
            return this;
        }

        /** The longest string or byte string, in characters or bytes (default 16 Mi, as large as the default body). */
        public Builder maxStringLength(int length) {
            this.maxStringLength = positive("maxStringLength", length);
            return this;
        }

        /** The deepest nesting of objects, arrays and messages (default 100). */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = positive("maxNestingDepth", depth);
            return this;
        }

        /** The most elements of one collection, map or array (default 1,000,000). */
        public Builder maxElements(int count) {
            this.maxElements = positive("maxElements", count);
            return this;
        }

        /** The largest encoded value a codec decodes, in bytes (default 16 MiB). */
        public Builder maxDecodedBytes(int bytes) {
            this.maxDecodedBytes = positive("maxDecodedBytes", bytes);
            return this;
        }

        /** The limits. */
        public Limits build() {
            return new Limits(maxBodyBytes, maxHeaderBytes, maxNumberLength, maxDecimalScale, maxStringLength,
                    maxNestingDepth, maxElements, maxDecodedBytes);
        }
    }
}
