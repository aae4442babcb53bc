package io.courier.grpc.internal;

import io.courier.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits a JSON object into its members, each value kept as the bytes it was written with, so
 * that each can be decoded by the {@code Courier}'s JSON codec into its parameter's type. Only
 * finds where values begin and end; the codec checks them.
 */
final class JsonMembers {
    private final byte[] in;
    private int pos;

    private JsonMembers(byte[] in) {
        this.in = in;
    }

    /** The members of the object in {@code json}, by name, values as raw JSON bytes. */
    static Map<String, byte[]> split(byte[] json) {
        return new JsonMembers(json).object();
    }

    private Map<String, byte[]> object() {
        Map<String, byte[]> members = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
            end();
            return members;
        }
        while (true) {
            skipSpace();
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            int start = pos;
            value();
            members.put(name, Arrays.copyOfRange(in, start, pos));
            skipSpace();
            int c = next();
            if (c == '}') {
                end();
                return members;
            }
            if (c != ',') {
                throw bad("',' or '}'");
            }
        }
    }

    private void value() {
        int c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            nested();
        } else {
            int start = pos;
            while (pos < in.length && ",}] \t\r\n".indexOf(in[pos]) < 0) {
                pos++;
            }
            if (pos == start) {
                throw bad("a value");
            }
        }
    }

    /** Skips an object or array, minding strings that contain brackets. */
    private void nested() {
        int depth = 0;
        do {
            int c = peek();
            if (c == '"') {
                string();
                continue;
            }
            pos++;
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        } while (depth > 0);
    }

    private String string() {
        expect('"');
        StringBuilder b = null;
        int start = pos;
        while (true) {
            int c = next();
            if (c == '"') {
                String raw = new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
                return b == null ? raw : b.append(raw).toString();
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(new String(in, start, pos - 1 - start, StandardCharsets.UTF_8));
                int e = next();
                switch (e) {
                    case 'u' -> {
                        if (pos + 4 > in.length) {
                            throw bad("four hex digits");
                        }
                        try {
                            b.append((char) Integer.parseInt(new String(in, pos, 4, StandardCharsets.US_ASCII), 16));
                        } catch (NumberFormatException ex) {
                            throw bad("four hex digits");
                        }
                        pos += 4;
                    }
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    default -> b.append((char) e);
                }
                start = pos;
            }
        }
    }

    private void end() {
        skipSpace();
        if (pos != in.length) {
            throw bad("the end of the message");
        }
    }

    private void skipSpace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r' || in[pos] == '\n')) {
            pos++;
        }
    }

    private int peek() {
        if (pos >= in.length) {
            throw bad("more input");
        }
        return in[pos];
    }

    private int next() {
        int c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw bad("'" + c + "'");
        }
    }

    private InvalidArgumentException bad(String expected) {
        return new InvalidArgumentException("request message: invalid JSON at byte " + pos + " (expected: " + expected
                + " in a JSON object of the method's parameters)");
    }
}
