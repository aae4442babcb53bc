package io.courier.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of a path segment or query component (RFC 3986 2.1) as UTF-8: an
 * escape that is not {@code %} and two hex digits, or escaped bytes that are not UTF-8 (a byte
 * that starts no character, an overlong form, a truncated sequence, an encoded surrogate), is
 * refused, where {@link java.net.URLDecoder} and Netty's decoder put U+FFFD in their place.
 * Linear in the input, whose size the caller bounds (the request line or header limits).
 */
public final class PercentDecoding {
    /** What a value is expected to be, for the messages of callers that refuse one. */
    public static final String EXPECTED_UTF8 = "text percent-encoded as UTF-8";

    private PercentDecoding() {
    }

    /**
     * {@code raw} decoded: each run of escapes as UTF-8, other characters as they are, and
     * {@code +} as a space when {@code plusIsSpace} (a query, as HTML forms encode it).
     *
     * @throws IllegalArgumentException naming the bad escape or escaped bytes and what was expected,
     *     without the value itself (the caller names what it is)
     */
    public static String decode(String raw, boolean plusIsSpace) {
        int percent = raw.indexOf('%');
        if (percent < 0) {
            return plusIsSpace ? raw.replace('+', ' ') : raw;
        }
        int n = raw.length();
        StringBuilder out = new StringBuilder(n);
        out.append(plusIsSpace ? raw.substring(0, percent).replace('+', ' ') : raw, 0, percent);
        CharsetDecoder utf8 = null;
        byte[] bytes = null;
        int i = percent;
        while (i < n) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(plusIsSpace && c == '+' ? ' ' : c);
                i++;
                continue;
            }
            // A run of escapes is one sequence of bytes: a character's bytes are escaped together.
            int start = i;
            int count = 0;
            while (i < n && raw.charAt(i) == '%') {
                if (i + 2 >= n || !isAsciiHex(raw.charAt(i + 1)) || !isAsciiHex(raw.charAt(i + 2))) {
                    throw new IllegalArgumentException(raw.substring(i, Math.min(n, i + 3))
                            + " is not a percent-escape (expected: % followed by two hex digits)");
                }
                if (bytes == null) {
                    bytes = new byte[(n - i) / 3];
                }
                bytes[count++] = (byte) (Character.digit(raw.charAt(i + 1), 16) << 4
                        | Character.digit(raw.charAt(i + 2), 16));
                i += 3;
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            ByteBuffer in = ByteBuffer.wrap(bytes, 0, count);
            CharBuffer chars = CharBuffer.allocate(count); // UTF-8 never decodes to more chars than bytes
            CoderResult result = utf8.reset().decode(in, chars, true);
            if (result.isError()) {
                // Only the escapes of the bytes that are not UTF-8: the run may be long.
                int from = start + 3 * in.position();
                throw new IllegalArgumentException(raw.substring(from, from + 3 * result.length())
                        + " is not UTF-8 (expected: " + EXPECTED_UTF8 + ")");
            }
            out.append(chars.flip());
        }
        return out.toString();
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
