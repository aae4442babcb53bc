package io.courier.contracts.internal;

import io.courier.contracts.UnreadableContractException;
import io.courier.contracts.internal.ProtoLexer.Token;
import java.util.List;
import java.util.Locale;

/**
 * The {@link ProtoParser}'s place in a file's tokens, with the steps every construct shares:
 * names, integers, expected symbols, and options (read, checked for shape, and dropped).
 */
final class ProtoTokens {
    private final String file;
    private final List<Token> tokens;
    private int at;

    ProtoTokens(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    /** The token after the next one (the last is always the end, never passed). */
    Token ahead() {
        return tokens.get(Math.min(at + 1, tokens.size() - 1));
    }

    void option() {
        optionName();
        expect("=");
        constant();
        expect(";");
    }

    void fieldOptions() {
        if (!accept("[")) {
            return;
        }
        do {
            optionName();
            expect("=");
            constant();
        } while (accept(","));
        expect("]");
    }

    void optionName() {
        do {
            if (accept("(")) {
                fullName(false);
                expect(")");
            } else {
                ident("an option name");
            }
        } while (accept("."));
    }

    void constant() {
        Token t = next();
        if (t.is("-") || t.is("+")) {
            t = next();
        }
        if (t.is("{")) { // an aggregate value: skipped, braces balanced
            int depth = 1;
            while (depth > 0) {
                Token u = next();
                if (u.type() == ProtoLexer.Type.END) {
                    throw error(u, "option value never closed (expected: })");
                }
                depth += u.is("{") ? 1 : u.is("}") ? -1 : 0;
            }
            return;
        }
        if (t.type() == ProtoLexer.Type.SYMBOL || t.type() == ProtoLexer.Type.END) {
            throw error(t, "unexpected " + t.shown() + " (expected: an option value)");
        }
        while (t.type() == ProtoLexer.Type.STRING && peek().type() == ProtoLexer.Type.STRING) {
            t = next(); // adjacent strings concatenate
        }
    }

    String fullName(boolean typeRef) {
        StringBuilder s = new StringBuilder();
        if (accept(".")) {
            s.append('.');
        }
        s.append(ident(typeRef ? "a type" : "a name").text());
        while (accept(".")) {
            s.append('.').append(ident("a name after '.'").text());
        }
        return s.toString();
    }

    int integer() {
        boolean negative = accept("-");
        Token t = next();
        if (t.type() != ProtoLexer.Type.NUMBER) {
            throw error(t, "unexpected " + t.shown() + " (expected: an integer)");
        }
        try {
            String s = t.text().toLowerCase(Locale.ROOT);
            long v = s.startsWith("0x") ? Long.parseLong(s.substring(2), 16)
                    : s.length() > 1 && s.startsWith("0") ? Long.parseLong(s.substring(1), 8) : Long.parseLong(s);
            v = negative ? -v : v;
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw error(t, "integer " + t.text() + " out of range (expected: a 32-bit integer)");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw error(t, "unexpected " + t.shown() + " (expected: an integer)");
        }
    }

    Token ident(String what) {
        Token t = next();
        if (t.type() != ProtoLexer.Type.IDENT) {
            throw error(t, "unexpected " + t.shown() + " (expected: " + what + ")");
        }
        return t;
    }

    void expect(String s) {
        Token t = next();
        if (!t.is(s)) {
            throw error(t, "unexpected " + t.shown() + " (expected: '" + s + "')");
        }
    }

    boolean accept(String s) {
        if (peek().is(s)) {
            at++;
            return true;
        }
        return false;
    }

    Token peek() {
        return tokens.get(at);
    }

    Token previous() {
        return tokens.get(Math.max(0, at - 1));
    }

    Token next() {
        Token t = tokens.get(at);
        if (t.type() != ProtoLexer.Type.END) {
            at++;
        }
        return t;
    }

    UnreadableContractException error(Token t, String problem) {
        return new UnreadableContractException(file, t.line(), t.column(), problem);
    }
}
