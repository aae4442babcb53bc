package io.courier.contracts.internal;

import io.courier.contracts.UnreadableContractException;
import java.util.ArrayList;
import java.util.List;

/** Splits {@code .proto} text into tokens, each with its line and column; comments dropped. */
final class ProtoLexer {
    enum Type { IDENT, NUMBER, STRING, SYMBOL, END }

    record Token(Type type, String text, int line, int column) {
        boolean is(String s) {
            return type != Type.STRING && text.equals(s);
        }

        /** For messages: {@code 'extend'}, {@code "a.proto"}, or the end of the file. */
        String shown() {
            return switch (type) {
                case END -> "the end of the file";
                case STRING -> "\"" + text + "\"";
                default -> "'" + text + "'";
            };
        }
    }

    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private int column = 1;

    private ProtoLexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    static List<Token> tokens(String file, String text) {
        return new ProtoLexer(file, text).all();
    }

    private List<Token> all() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= text.length()) {
                tokens.add(new Token(Type.END, "", line, column));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                advance();
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    advance();
                }
            } else if (text.startsWith("/*", pos)) {
                int l = line;
                int col = column;
                advance();
                advance();
                while (pos < text.length() && !text.startsWith("*/", pos)) {
                    advance();
                }
                if (pos >= text.length()) {
                    throw new UnreadableContractException(file, l, col, "comment never closed (expected: */)");
                }
                advance();
                advance();
            } else {
                return;
            }
        }
    }

    private Token next() {
        int l = line;
        int col = column;
        int start = pos;
        char c = text.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                advance();
            }
            return new Token(Type.IDENT, text.substring(start, pos), l, col);
        }
        if (Character.isDigit(c) || c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            // Decimal, hex, octal and float literals; exponents may carry a sign.
            while (pos < text.length()) {
                char d = text.charAt(pos);
                char prev = text.charAt(pos - 1 < start ? start : pos - 1);
                if (Character.isLetterOrDigit(d) || d == '.' || (d == '-' || d == '+') && (prev == 'e' || prev == 'E')
                        && !text.substring(start, pos).toLowerCase(java.util.Locale.ROOT).startsWith("0x")) {
                    advance();
                } else {
                    break;
                }
            }
            return new Token(Type.NUMBER, text.substring(start, pos), l, col);
        }
        if (c == '"' || c == '\'') {
            return string(c, l, col);
        }
        if ("=;{}[]()<>,.-+:/".indexOf(c) >= 0) {
            advance();
            return new Token(Type.SYMBOL, String.valueOf(c), l, col);
        }
        throw new UnreadableContractException(file, l, col, "unexpected character '" + c + "'");
    }

    private Token string(char quote, int l, int col) {
        advance();
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw new UnreadableContractException(file, l, col, "string never closed (expected: " + quote + ")");
            }
            char c = text.charAt(pos);
            advance();
            if (c == quote) {
                return new Token(Type.STRING, s.toString(), l, col);
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos);
                advance();
                s.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> e; // \\ \" \' and the rest as themselves: names and paths need no more
                });
            } else {
                s.append(c);
            }
        }
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        pos++;
    }
}
