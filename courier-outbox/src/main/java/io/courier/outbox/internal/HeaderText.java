package io.courier.outbox.internal;

import io.courier.Metadata;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Headers as one line of text, {@code name=value&name=value} with both sides form-encoded
 * (UTF-8): readable in a SQL console, any value survives, and decoding is bounded.
 */
public final class HeaderText {
    /** The longest header text decoded. */
    public static final int MAX_CHARS = 1 << 20;
    /** The most headers decoded. */
    public static final int MAX_HEADERS = 1_000;

    private HeaderText() {
    }

    public static String encode(Metadata headers) {
        StringBuilder b = new StringBuilder(256);
        for (Map.Entry<String, List<String>> e : headers.asMap().entrySet()) {
            String name = formEncode(e.getKey());
            for (String v : e.getValue()) {
                if (!b.isEmpty()) {
                    b.append('&');
                }
                b.append(name).append('=').append(formEncode(v));
            }
        }
        return b.toString();
    }

    /** Form-encodes {@code s}; as it is when {@link URLEncoder} would leave it so (most headers: ids, names, times). */
    private static String formEncode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean same = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '*' || c == '_';
            if (!same) {
                return URLEncoder.encode(s, StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    /** Form-decodes {@code s}; as it is when it has no escape and no {@code +}. */
    private static String formDecode(String s) {
        return s.indexOf('%') < 0 && s.indexOf('+') < 0 ? s : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The headers {@code text} encodes.
     *
     * @throws IllegalArgumentException saying what is wrong: too long, too many headers, a pair
     *         without {@code =}, or a broken escape
     */
    public static Metadata decode(String text) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("headers: " + text.length() + " characters (expected: at most "
                    + MAX_CHARS + ")");
        }
        Metadata.Builder b = Metadata.builder();
        if (text.isEmpty()) {
            return b.build();
        }
        int count = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('&', start);
            if (end < 0) {
                end = text.length();
            }
            if (++count > MAX_HEADERS) {
                throw new IllegalArgumentException("headers: more than " + MAX_HEADERS + " (expected: at most "
                        + MAX_HEADERS + ")");
            }
            String pair = text.substring(start, end);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("headers: \"" + abbreviate(pair)
                        + "\" (expected: name=value, form-encoded)");
            }
            b.add(formDecode(pair.substring(0, eq)), formDecode(pair.substring(eq + 1)));
            start = end + 1;
        }
        return b.build();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
