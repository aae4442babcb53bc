package io.courier.cli;

/**
 * Text from a peer (a service's answer, a broker's message, a registry's entry) made safe to
 * print on a terminal: control characters (C0 but for the line breaks kept, DEL, C1), which a
 * terminal would obey (ESC [ ... moves the cursor, rewrites the title, clears the screen), are
 * printed escaped as {@code \xHH}, so that what shows is what was sent.
 */
final class Printable {
    private Printable() {
    }

    /** {@code s} for a block of text: newlines and tabs kept, every other control character escaped. */
    static String text(String s) {
        return escape(s, true);
    }

    /** {@code s} for one line (a header, a table cell): every control character escaped, newlines too. */
    static String line(String s) {
        return escape(s, false);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
            if (control && !(keepLines && (c == '\n' || c == '\t'))) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(String.format("\\x%02x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
