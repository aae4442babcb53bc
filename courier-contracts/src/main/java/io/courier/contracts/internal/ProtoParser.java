package io.courier.contracts.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.courier.contracts.UnreadableContractException;
import io.courier.contracts.internal.ProtoLexer.Token;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the proto2/proto3 subset that Courier exports and people commonly write into the
 * {@link FileDescriptorProto} protoc would make of it, so that text, {@code protoc
 * --descriptor_set_out} files and generated classes are all compared the same way. Type
 * references are left as written (resolved by {@link ProtoSchema}); options other than the
 * ones that change the wire are read and dropped. Anything else (extend, extensions, groups,
 * editions) is refused naming its line and column.
 */
final class ProtoParser {
    static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));
    private static final int MAX_DEPTH = 32;
    private static final int MAX_FIELD_NUMBER = 536_870_911;

    private final String file;
    private final List<Token> tokens;
    private int at;
    private boolean proto3;

    private ProtoParser(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    /** Parses one file's text; {@code file} names it in errors and becomes the descriptor's name. */
    static FileDescriptorProto parse(String file, String text) {
        return new ProtoParser(file, ProtoLexer.tokens(file, text)).file();
    }

    private FileDescriptorProto file() {
        FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName(file);
        if (peek().is("syntax")) {
            next();
            expect("=");
            Token s = next();
            if (s.type() != ProtoLexer.Type.STRING || !s.text().equals("proto3") && !s.text().equals("proto2")) {
                throw error(s, "syntax " + s.shown() + " (expected: \"proto3\" or \"proto2\")");
            }
            proto3 = s.text().equals("proto3");
            f.setSyntax(s.text());
            expect(";");
        } else if (peek().is("edition")) {
            throw error(peek(), "editions are not supported (expected: syntax = \"proto3\" or \"proto2\")");
        }
        while (peek().type() != ProtoLexer.Type.END) {
            Token t = next();
            switch (t.text()) {
                case "package" -> {
                    f.setPackage(fullName(false));
                    expect(";");
                }
                case "import" -> {
                    if (peek().is("public") || peek().is("weak")) {
                        next();
                    }
                    Token path = next();
                    if (path.type() != ProtoLexer.Type.STRING) {
                        throw error(path, "import " + path.shown() + " (expected: a quoted file name)");
                    }
                    f.addDependency(path.text());
                    expect(";");
                }
                case "option" -> option();
                case "message" -> f.addMessageType(message(1));
                case "enum" -> f.addEnumType(enumeration());
                case "service" -> f.addService(service());
                case ";" -> {
                }
                default -> throw error(t, "unexpected " + t.shown() + (t.is("extend")
                        ? ": extensions are not supported" : "")
                        + " (expected: package, import, option, message, enum or service)");
            }
        }
        return f.build();
    }

    private DescriptorProto message(int depth) {
        if (depth > MAX_DEPTH) {
            throw error(peek(), "messages nested more than " + MAX_DEPTH + " deep");
        }
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(ident("a message name").text());
        expect("{");
        while (!peek().is("}")) {
            Token t = peek();
            switch (t.type() == ProtoLexer.Type.IDENT ? t.text() : "") {
                case "message" -> {
                    next();
                    m.addNestedType(message(depth + 1));
                }
                case "enum" -> {
                    next();
                    m.addEnumType(enumeration());
                }
                case "option" -> {
                    next();
                    option();
                }
                case "reserved" -> {
                    next();
                    reserved(m);
                }
                case "oneof" -> {
                    next();
                    oneof(m);
                }
                case "map" -> {
                    next();
                    map(m);
                }
                case "extend", "extensions", "group" -> throw error(t, "'" + t.text() + "' is not supported"
                        + " (expected: fields, message, enum, oneof, map, reserved or option)");
                default -> {
                    if (t.is(";")) {
                        next();
                    } else if (t.type() == ProtoLexer.Type.END) {
                        throw error(t, "message " + m.getName() + " never closed (expected: })");
                    } else {
                        field(m, -1);
                    }
                }
            }
        }
        next();
        return m.build();
    }

    private void field(DescriptorProto.Builder m, int oneof) {
        Label label = Label.LABEL_OPTIONAL;
        boolean explicitOptional = false;
        Token t = peek();
        if (oneof < 0 && (t.is("repeated") || t.is("optional") || t.is("required"))) {
            next();
            label = switch (t.text()) {
                case "repeated" -> Label.LABEL_REPEATED;
                case "required" -> {
                    if (proto3) {
                        throw error(t, "'required' is not allowed in proto3 (expected: optional, repeated or none)");
                    }
                    yield Label.LABEL_REQUIRED;
                }
                default -> Label.LABEL_OPTIONAL;
            };
            explicitOptional = t.is("optional");
            t = peek();
        }
        if (t.type() != ProtoLexer.Type.IDENT && !t.is(".")) {
            throw error(t, "unexpected " + t.shown() + " (expected: a field, message, enum, oneof, map,"
                    + " reserved, option or })");
        }
        String type = fullName(true);
        FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setLabel(label);
        typeOf(f, type);
        f.setName(ident("a field name").text());
        expect("=");
        f.setNumber(fieldNumber());
        fieldOptions();
        expect(";");
        if (oneof >= 0) {
            f.setOneofIndex(oneof);
        } else if (explicitOptional && proto3) {
            // As protoc does: a proto3 'optional' is a synthetic oneof of its own.
            f.setProto3Optional(true).setOneofIndex(m.getOneofDeclCount());
            m.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + f.getName()));
        }
        m.addField(f);
    }

    private void map(DescriptorProto.Builder m) {
        expect("<");
        String key = fullName(true);
        if (!SCALARS.containsKey(key) || key.equals("double") || key.equals("float") || key.equals("bytes")) {
            throw error(previous(), "map key " + key + " (expected: an integer type, bool or string)");
        }
        expect(",");
        String value = fullName(true);
        expect(">");
        Token name = ident("a field name");
        expect("=");
        int number = fieldNumber();
        fieldOptions();
        expect(";");
        String entry = camel(name.text()) + "Entry";
        FieldDescriptorProto.Builder k = FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                .setLabel(Label.LABEL_OPTIONAL);
        typeOf(k, key);
        FieldDescriptorProto.Builder v = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                .setLabel(Label.LABEL_OPTIONAL);
        typeOf(v, value);
        m.addNestedType(DescriptorProto.newBuilder().setName(entry).addField(k).addField(v)
                .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
        m.addField(FieldDescriptorProto.newBuilder().setName(name.text()).setNumber(number)
                .setLabel(Label.LABEL_REPEATED).setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(entry));
    }

    private void oneof(DescriptorProto.Builder m) {
        int index = m.getOneofDeclCount();
        m.addOneofDecl(OneofDescriptorProto.newBuilder().setName(ident("a oneof name").text()));
        expect("{");
        while (!peek().is("}")) {
            if (peek().is("option")) {
                next();
                option();
            } else if (peek().is(";")) {
                next();
            } else if (peek().type() == ProtoLexer.Type.END) {
                throw error(peek(), "oneof never closed (expected: })");
            } else if (peek().is("repeated") || peek().is("optional") || peek().is("required")) {
                throw error(peek(), "a oneof's fields take no label (found " + peek().shown() + ")");
            } else {
                field(m, index);
            }
        }
        next();
    }

    private void reserved(DescriptorProto.Builder m) {
        if (peek().type() == ProtoLexer.Type.STRING) {
            do {
                Token s = next();
                if (s.type() != ProtoLexer.Type.STRING) {
                    throw error(s, "reserved " + s.shown() + " (expected: a quoted field name)");
                }
                m.addReservedName(s.text());
            } while (accept(","));
        } else {
            do {
                int start = integer();
                int end = start;
                if (accept("to")) {
                    end = accept("max") ? MAX_FIELD_NUMBER : integer();
                }
                m.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(start).setEnd(end + 1));
            } while (accept(","));
        }
        expect(";");
    }

    private EnumDescriptorProto enumeration() {
        EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(ident("an enum name").text());
        expect("{");
        while (!peek().is("}")) {
            Token t = peek();
            if (t.is("option")) {
                next();
                option();
            } else if (t.is(";")) {
                next();
            } else if (t.is("reserved")) {
                next();
                if (peek().type() == ProtoLexer.Type.STRING) {
                    do {
                        e.addReservedName(next().text());
                    } while (accept(","));
                } else {
                    do {
                        int start = integer();
                        int end = accept("to") ? (accept("max") ? Integer.MAX_VALUE : integer()) : start;
                        e.addReservedRange(EnumDescriptorProto.EnumReservedRange.newBuilder().setStart(start)
                                .setEnd(end));
                    } while (accept(","));
                }
                expect(";");
            } else if (t.type() == ProtoLexer.Type.END) {
                throw error(t, "enum " + e.getName() + " never closed (expected: })");
            } else {
                String name = ident("an enum value name").text();
                expect("=");
                int number = integer();
                fieldOptions();
                expect(";");
                e.addValue(EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number));
            }
        }
        next();
        return e.build();
    }

    private ServiceDescriptorProto service() {
        ServiceDescriptorProto.Builder s = ServiceDescriptorProto.newBuilder().setName(ident("a service name").text());
        expect("{");
        while (!peek().is("}")) {
            Token t = next();
            if (t.is("option")) {
                option();
            } else if (t.is(";")) {
                continue;
            } else if (t.is("rpc")) {
                MethodDescriptorProto.Builder m = MethodDescriptorProto.newBuilder().setName(ident("an rpc name").text());
                expect("(");
                if (peek().is("stream") && !tokens.get(at + 1).is(")")) {
                    next();
                    m.setClientStreaming(true);
                }
                m.setInputType(fullName(false));
                expect(")");
                expect("returns");
                expect("(");
                if (peek().is("stream") && !tokens.get(at + 1).is(")")) {
                    next();
                    m.setServerStreaming(true);
                }
                m.setOutputType(fullName(false));
                expect(")");
                if (accept("{")) {
                    while (!accept("}")) {
                        if (accept(";")) {
                            continue;
                        }
                        expect("option");
                        option();
                    }
                } else {
                    expect(";");
                }
                s.addMethod(m);
            } else {
                throw error(t, "unexpected " + t.shown() + " (expected: rpc, option or })");
            }
        }
        next();
        return s.build();
    }

    // ---- options: read, checked for shape, dropped -----------------------------------------------

    private void option() {
        optionName();
        expect("=");
        constant();
        expect(";");
    }

    private void fieldOptions() {
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

    private void optionName() {
        do {
            if (accept("(")) {
                fullName(false);
                expect(")");
            } else {
                ident("an option name");
            }
        } while (accept("."));
    }

    private void constant() {
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

    // ---- tokens -------------------------------------------------------------------------------

    private String fullName(boolean typeRef) {
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

    private void typeOf(FieldDescriptorProto.Builder f, String type) {
        FieldDescriptorProto.Type scalar = SCALARS.get(type);
        if (scalar != null) {
            f.setType(scalar);
        } else {
            f.setTypeName(type); // message or enum: ProtoSchema resolves it
        }
    }

    private int fieldNumber() {
        Token t = peek();
        int n = integer();
        if (n < 1 || n > MAX_FIELD_NUMBER) {
            throw error(t, "field number " + n + " (expected: 1 to " + MAX_FIELD_NUMBER + ")");
        }
        return n;
    }

    private int integer() {
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

    private Token ident(String what) {
        Token t = next();
        if (t.type() != ProtoLexer.Type.IDENT) {
            throw error(t, "unexpected " + t.shown() + " (expected: " + what + ")");
        }
        return t;
    }

    private void expect(String s) {
        Token t = next();
        if (!t.is(s)) {
            throw error(t, "unexpected " + t.shown() + " (expected: '" + s + "')");
        }
    }

    private boolean accept(String s) {
        if (peek().is(s)) {
            at++;
            return true;
        }
        return false;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token previous() {
        return tokens.get(Math.max(0, at - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.type() != ProtoLexer.Type.END) {
            at++;
        }
        return t;
    }

    private UnreadableContractException error(Token t, String problem) {
        return new UnreadableContractException(file, t.line(), t.column(), problem);
    }

    private static String camel(String snake) {
        StringBuilder s = new StringBuilder();
        boolean up = true;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                s.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return s.toString();
    }
}
