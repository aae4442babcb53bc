package io.courier.console.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bounded, printable renderings of bytes for the page. */
final class Text {
    static final int PREVIEW = 2048;

    private Text() {
    }

    /** The first {@value #PREVIEW} bytes as UTF-8 text, or a note of their size when they are not text. */
    static String preview(byte[] bytes) {
        int n = Math.min(bytes.length, PREVIEW);
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            if (n < bytes.length) { // cut inside a character: decode leniently
                s = new String(bytes, 0, n, StandardCharsets.UTF_8);
            } else {
                return "(" + bytes.length + " bytes, not UTF-8 text)";
            }
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c));
        return n < bytes.length ? b + "... (" + bytes.length + " bytes)" : b.toString();
    }
}
