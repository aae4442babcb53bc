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
import io.courier.contracts.internal.ProtoLexer.Token;
import java.util.List;
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
    private final ProtoTokens in;
    private boolean proto3;

    private ProtoParser(String file, List<Token> tokens) {
        this.file = file;
        this.in = new ProtoTokens(file, tokens);
    }

    /** Parses one file's text; {@code file} names it in errors and becomes the descriptor's name. */
    static FileDescriptorProto parse(String file, String text) {
        return new ProtoParser(file, ProtoLexer.tokens(file, text)).file();
    }

    private FileDescriptorProto file() {
        FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName(file);
        if (in.peek().is("syntax")) {
            in.next();
            in.expect("=");
            Token s = in.next();
            if (s.type() != ProtoLexer.Type.STRING || !s.text().equals("proto3") && !s.text().equals("proto2")) {
                throw in.error(s, "syntax " + s.shown() + " (expected: \"proto3\" or \"proto2\")");
            }
            proto3 = s.text().equals("proto3");
            f.setSyntax(s.text());
            in.expect(";");
        } else if (in.peek().is("edition")) {
            throw in.error(in.peek(), "editions are not supported (expected: syntax = \"proto3\" or \"proto2\")");
        }
        while (in.peek().type() != ProtoLexer.Type.END) {
            Token t = in.next();
            switch (t.text()) {
                case "package" -> {
                    f.setPackage(in.fullName(false));
                    in.expect(";");
                }
                case "import" -> {
                    if (in.peek().is("public") || in.peek().is("weak")) {
                        in.next();
                    }
                    Token path = in.next();
                    if (path.type() != ProtoLexer.Type.STRING) {
                        throw in.error(path, "import " + path.shown() + " (expected: a quoted file name)");
                    }
                    f.addDependency(path.text());
                    in.expect(";");
                }
                case "option" -> in.option();
                case "message" -> f.addMessageType(message(1));
                case "enum" -> f.addEnumType(enumeration());
                case "service" -> f.addService(service());
                case ";" -> {
                }
                default -> throw in.error(t, "unexpected " + t.shown() + (t.is("extend")
                        ? ": extensions are not supported" : "")
                        + " (expected: package, import, option, message, enum or service)");
            }
        }
        return f.build();
    }

    private DescriptorProto message(int depth) {
        if (depth > MAX_DEPTH) {
            throw in.error(in.peek(), "messages nested more than " + MAX_DEPTH + " deep");
        }
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(in.ident("a message name").text());
        in.expect("{");
        while (!in.peek().is("}")) {
            Token t = in.peek();
            switch (t.type() == ProtoLexer.Type.IDENT ? t.text() : "") {
                case "message" -> {
                    in.next();
                    m.addNestedType(message(depth + 1));
                }
                case "enum" -> {
                    in.next();
                    m.addEnumType(enumeration());
                }
                case "option" -> {
                    in.next();
                    in.option();
                }
                case "reserved" -> {
                    in.next();
                    reserved(m);
                }
                case "oneof" -> {
                    in.next();
                    oneof(m);
                }
                case "map" -> {
                    in.next();
                    map(m);
                }
                case "extend", "extensions", "group" -> throw in.error(t, "'" + t.text() + "' is not supported"
                        + " (expected: fields, message, enum, oneof, map, reserved or option)");
                default -> {
                    if (t.is(";")) {
                        in.next();
                    } else if (t.type() == ProtoLexer.Type.END) {
                        throw in.error(t, "message " + m.getName() + " never closed (expected: })");
                    } else {
                        field(m, -1);
                    }
                }
            }
        }
        in.next();
        return m.build();
    }

    private void field(DescriptorProto.Builder m, int oneof) {
        Label label = Label.LABEL_OPTIONAL;
        boolean explicitOptional = false;
        Token t = in.peek();
        if (oneof < 0 && (t.is("repeated") || t.is("optional") || t.is("required"))) {
            in.next();
            label = switch (t.text()) {
                case "repeated" -> Label.LABEL_REPEATED;
                case "required" -> {
                    if (proto3) {
                        throw in.error(t, "'required' is not allowed in proto3 (expected: optional, repeated or none)");
                    }
                    yield Label.LABEL_REQUIRED;
                }
                default -> Label.LABEL_OPTIONAL;
            };
            explicitOptional = t.is("optional");
            t = in.peek();
        }
        if (t.type() != ProtoLexer.Type.IDENT && !t.is(".")) {
            throw in.error(t, "unexpected " + t.shown() + " (expected: a field, message, enum, oneof, map,"
                    + " reserved, option or })");
        }
        String type = in.fullName(true);
        FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setLabel(label);
        typeOf(f, type);
        f.setName(in.ident("a field name").text());
        in.expect("=");
        f.setNumber(fieldNumber());
        in.fieldOptions();
        in.expect(";");
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
        in.expect("<");
        String key = in.fullName(true);
        if (!SCALARS.containsKey(key) || key.equals("double") || key.equals("float") || key.equals("bytes")) {
            throw in.error(in.previous(), "map key " + key + " (expected: an integer type, bool or string)");
        }
        in.expect(",");
        String value = in.fullName(true);
        in.expect(">");
        Token name = in.ident("a field name");
        in.expect("=");
        int number = fieldNumber();
        in.fieldOptions();
        in.expect(";");
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
        m.addOneofDecl(OneofDescriptorProto.newBuilder().setName(in.ident("a oneof name").text()));
        in.expect("{");
        while (!in.peek().is("}")) {
            if (in.peek().is("option")) {
                in.next();
                in.option();
            } else if (in.peek().is(";")) {
                in.next();
            } else if (in.peek().type() == ProtoLexer.Type.END) {
                throw in.error(in.peek(), "oneof never closed (expected: })");
            } else if (in.peek().is("repeated") || in.peek().is("optional") || in.peek().is("required")) {
                throw in.error(in.peek(), "a oneof's fields take no label (found " + in.peek().shown() + ")");
            } else {
                field(m, index);
            }
        }
        in.next();
    }

    private void reserved(DescriptorProto.Builder m) {
        if (in.peek().type() == ProtoLexer.Type.STRING) {
            do {
                Token s = in.next();
                if (s.type() != ProtoLexer.Type.STRING) {
                    throw in.error(s, "reserved " + s.shown() + " (expected: a quoted field name)");
                }
                m.addReservedName(s.text());
            } while (in.accept(","));
        } else {
            do {
                int start = in.integer();
                int end = start;
                if (in.accept("to")) {
                    end = in.accept("max") ? MAX_FIELD_NUMBER : in.integer();
                }
                m.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(start).setEnd(end + 1));
            } while (in.accept(","));
        }
        in.expect(";");
    }

    private EnumDescriptorProto enumeration() {
        EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(in.ident("an enum name").text());
        in.expect("{");
        while (!in.peek().is("}")) {
            Token t = in.peek();
            if (t.is("option")) {
                in.next();
                in.option();
            } else if (t.is(";")) {
                in.next();
            } else if (t.is("reserved")) {
                in.next();
                if (in.peek().type() == ProtoLexer.Type.STRING) {
                    do {
                        e.addReservedName(in.next().text());
                    } while (in.accept(","));
                } else {
                    do {
                        int start = in.integer();
                        int end = in.accept("to") ? (in.accept("max") ? Integer.MAX_VALUE : in.integer()) : start;
                        e.addReservedRange(EnumDescriptorProto.EnumReservedRange.newBuilder().setStart(start)
                                .setEnd(end));
                    } while (in.accept(","));
                }
                in.expect(";");
            } else if (t.type() == ProtoLexer.Type.END) {
                throw in.error(t, "enum " + e.getName() + " never closed (expected: })");
            } else {
                String name = in.ident("an enum value name").text();
                in.expect("=");
                int number = in.integer();
                in.fieldOptions();
                in.expect(";");
                e.addValue(EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number));
            }
        }
        in.next();
        return e.build();
    }

    private ServiceDescriptorProto service() {
        ServiceDescriptorProto.Builder s = ServiceDescriptorProto.newBuilder().setName(in.ident("a service name").text());
        in.expect("{");
        while (!in.peek().is("}")) {
            Token t = in.next();
            if (t.is("option")) {
                in.option();
            } else if (t.is(";")) {
                continue;
            } else if (t.is("rpc")) {
                MethodDescriptorProto.Builder m = MethodDescriptorProto.newBuilder().setName(in.ident("an rpc name").text());
                in.expect("(");
                if (in.peek().is("stream") && !in.ahead().is(")")) {
                    in.next();
                    m.setClientStreaming(true);
                }
                m.setInputType(in.fullName(false));
                in.expect(")");
                in.expect("returns");
                in.expect("(");
                if (in.peek().is("stream") && !in.ahead().is(")")) {
                    in.next();
                    m.setServerStreaming(true);
                }
                m.setOutputType(in.fullName(false));
                in.expect(")");
                if (in.accept("{")) {
                    while (!in.accept("}")) {
                        if (in.accept(";")) {
                            continue;
                        }
                        in.expect("option");
                        in.option();
                    }
                } else {
                    in.expect(";");
                }
                s.addMethod(m);
            } else {
                throw in.error(t, "unexpected " + t.shown() + " (expected: rpc, option or })");
            }
        }
        in.next();
        return s.build();
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
        Token t = in.peek();
        int n = in.integer();
        if (n < 1 || n > MAX_FIELD_NUMBER) {
            throw in.error(t, "field number " + n + " (expected: 1 to " + MAX_FIELD_NUMBER + ")");
        }
        return n;
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
