package io.courier.grpc.internal;

import io.courier.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.util.Base64;

/**
 * Turns a gRPC-Web text body (PROTOCOL-WEB.md: base64 of the binary body, each message may be
 * encoded on its own, so padding can appear inside the body) back into bytes, four characters
 * at a time as they arrive. Line breaks and spaces are skipped. Not thread-safe: one per stream.
 */
final class WebTextDecoder {
    private final String what;
    private final char[] quad = new char[4];
    private int held;
    private long offset;

    WebTextDecoder(String what) {
        this.what = what;
    }

    /** The bytes of the whole 4-character groups {@code text} completes. */
    byte[] feed(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length * 3 / 4 + 3);
        for (byte b : text) {
            char c = (char) (b & 0xFF);
            offset++;
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
                continue;
            }
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=')) {
                throw invalid("character 0x" + Integer.toHexString(c) + " at offset " + (offset - 1));
            }
            quad[held++] = c;
            if (held == 4) {
                held = 0;
                try {
                    out.writeBytes(Base64.getDecoder().decode(new String(quad)));
                } catch (IllegalArgumentException e) {
                    throw invalid("group \"" + new String(quad) + "\" before offset " + offset + " (" + e.getMessage() + ")");
                }
            }
        }
        return out.toByteArray();
    }

    /** Checks that no partial group is left. */
    void end() {
        if (held != 0) {
            throw invalid(held + " characters left over at the end (expected: groups of 4, padded with '=')");
        }
    }

    private InvalidArgumentException invalid(String detail) {
        return new InvalidArgumentException(what + ": gRPC-Web text body is not valid base64: " + detail);
    }
}
