package io.courier.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bounds on an error's text as it crosses the wire, shared by every transport: a message of
 * at most {@value #MAX_MESSAGE_BYTES} bytes of UTF-8 and details of at most
 * {@value #MAX_DETAILS_BYTES} bytes (keys and values together). Longer text is cut on a
 * character boundary and ends with {@value #MARKER}. Headers and trailers then stay within every
 * peer's limits (gRPC's are 8 KiB for all metadata), so an error's status always arrives, however
 * long the text an implementation put in it. Stateless and thread-safe.
 *
 * <pre>{@code
 * trailers.set("grpc-message", WireText.message(error.getMessage()));
 * }</pre>
 */
public final class WireText {
    /** The most UTF-8 bytes of an error message sent. */
    public static final int MAX_MESSAGE_BYTES = 2048;
    /** The most UTF-8 bytes of error details sent, keys and values together. */
    public static final int MAX_DETAILS_BYTES = 1024;
    /** What ends a text that was cut. */
    public static final String MARKER = "... (truncated)";

    private WireText() {
    }

    /** {@code message} bounded to {@link #MAX_MESSAGE_BYTES}; {@code ""} for null. */
    public static String message(String message) {
        return bounded(message == null ? "" : message, MAX_MESSAGE_BYTES);
    }

    /**
     * {@code details} bounded to {@link #MAX_DETAILS_BYTES} in all, so that as many entries as
     * possible arrive whole: entries are taken shortest first (then by key), each kept while it
     * fits; the first that does not fit is cut with {@link #MARKER} if its key and the marker
     * still fit, and the longer ones after it are left out. The same map when it fits; else a
     * new one ordered by key.
     */
    public static Map<String, String> details(Map<String, String> details) {
        int total = 0;
        for (Map.Entry<String, String> e : details.entrySet()) {
            total += size(e);
        }
        if (total <= MAX_DETAILS_BYTES) {
            return details;
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>(details.entrySet());
        entries.sort(Comparator.comparingInt(WireText::size).thenComparing(Map.Entry::getKey));
        Map<String, String> bounded = new TreeMap<>();
        int left = MAX_DETAILS_BYTES;
        for (Map.Entry<String, String> e : entries) {
            int size = size(e);
            if (size <= left) {
                bounded.put(e.getKey(), e.getValue());
                left -= size;
                continue;
            }
            int key = utf8Length(e.getKey());
            if (key + MARKER.length() <= left) {
                bounded.put(e.getKey(), bounded(e.getValue(), left - key));
            }
            break;
        }
        return bounded;
    }

    private static int size(Map.Entry<String, String> e) {
        return utf8Length(e.getKey()) + utf8Length(e.getValue());
    }

    /**
     * {@code text} itself when its UTF-8 form has at most {@code maxBytes} bytes, else its longest
     * prefix, cut between two characters, that with {@link #MARKER} fits in {@code maxBytes}.
     *
     * @throws IllegalArgumentException when {@code maxBytes} cannot hold the marker
     */
    public static String bounded(String text, int maxBytes) {
        if (maxBytes < MARKER.length()) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= " + MARKER.length() + ")");
        }
        // Each char is at most 3 UTF-8 bytes (a surrogate pair, two chars, is 4).
        if (text.length() * 3L <= maxBytes || utf8Length(text) <= maxBytes) {
            return text;
        }
        int budget = maxBytes - MARKER.length();
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + MARKER;
    }

    /**
     * The length of {@code s} in UTF-8, counted without encoding it; 0 for null. An unpaired
     * surrogate counts 3 bytes, as the encoder's replacement would not (it writes one), which
     * only ever overstates a length by 2 bytes a surrogate.
     */
    public static int utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
