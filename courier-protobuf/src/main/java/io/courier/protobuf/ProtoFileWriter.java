package io.courier.protobuf;

import io.courier.contract.InvalidContractException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.protobuf.internal.EnumType;
import io.courier.protobuf.internal.FieldSlot;
import io.courier.protobuf.internal.GeneratedType;
import io.courier.protobuf.internal.MessageCodec;
import io.courier.protobuf.internal.ProtoType;
import io.courier.protobuf.internal.RecordType;
import io.courier.protobuf.internal.SchemaNames;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Writes the {@code .proto} file of a {@link ProtoService}; one use per instance. */
final class ProtoFileWriter implements SchemaNames {
    private static final String EMPTY = "google.protobuf.Empty";
    private static final Map<Type, String> WRAPPERS = Map.ofEntries(
            Map.entry(String.class, "google.protobuf.StringValue"),
            Map.entry(int.class, "google.protobuf.Int32Value"), Map.entry(Integer.class, "google.protobuf.Int32Value"),
            Map.entry(long.class, "google.protobuf.Int64Value"), Map.entry(Long.class, "google.protobuf.Int64Value"),
            Map.entry(boolean.class, "google.protobuf.BoolValue"), Map.entry(Boolean.class, "google.protobuf.BoolValue"),
            Map.entry(double.class, "google.protobuf.DoubleValue"), Map.entry(Double.class, "google.protobuf.DoubleValue"),
            Map.entry(float.class, "google.protobuf.FloatValue"), Map.entry(Float.class, "google.protobuf.FloatValue"),
            Map.entry(byte[].class, "google.protobuf.BytesValue"));

    private final ProtoService service;
    private final Set<String> imports = new TreeSet<>();
    // Records and enums in the order they are first reached, with their assigned names.
    private final Map<Class<?>, String> names = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    // Per method: the request and response type names, and the synthetic messages to declare.
    private final Map<MethodCodec, String[]> signatures = new LinkedHashMap<>();
    private final Map<String, Synthetic> synthetic = new LinkedHashMap<>();

    record Synthetic(MessageCodec codec, MethodDescriptor method) {
    }

    /** Collects and names everything the file declares; {@link #write()} and {@link ProtoDescriptorWriter} render it. */
    ProtoFileWriter(ProtoService service) {
        this.service = service;
        taken.add(service.name());
        for (MethodCodec m : service.methods()) {
            collect(m);
        }
        assignNames();
        for (MethodCodec m : service.methods()) {
            signatures.put(m, new String[] {requestName(m), responseName(m)});
        }
    }

    ProtoService service() {
        return service;
    }

    Set<String> imports() {
        return imports;
    }

    /** Records and enums with their names, in the order the file declares them. */
    Map<Class<?>, String> declared() {
        return names;
    }

    /** Per method, its request and response message names as {@link #qualified(String)} takes them. */
    Map<MethodCodec, String[]> signatures() {
        return signatures;
    }

    /** The synthetic request and response messages: name, fields, and the method for requests. */
    Map<String, Synthetic> synthetic() {
        return synthetic;
    }

    String write() {
        StringBuilder out = new StringBuilder();
        out.append("// The Protobuf view of ").append(service.contract().type().getName())
                .append(", exported by Courier.\n// Field numbers are part of the contract: see docs/protobuf.md before changing a record.\n");
        out.append("syntax = \"proto3\";\n\npackage ").append(service.packageName()).append(";\n");
        if (!imports.isEmpty()) {
            out.append('\n');
            imports.forEach(i -> out.append("import \"").append(i).append("\";\n"));
        }
        service.javaPackage().ifPresent(p -> out.append("\noption java_package = \"").append(p)
                .append("\";\noption java_multiple_files = true;\n"));
        out.append("\nservice ").append(service.name()).append(" {\n");
        signatures.forEach((m, sig) -> out.append("  rpc ").append(m.rpcName()).append('(')
                .append(m.streamsRequests() ? "stream " : "").append(qualified(sig[0])).append(") returns (")
                .append(m.streamsResponses() ? "stream " : "").append(qualified(sig[1])).append(");\n"));
        out.append("}\n");
        synthetic.forEach((name, s) -> message(out, name, s.codec(), s.method()));
        names.forEach((type, name) -> {
            if (type.isEnum()) {
                enumeration(out, name, EnumType.of(type));
            } else {
                message(out, name, MessageCodec.forRecord(type), null);
            }
        });
        return out.toString();
    }

    // --- collecting what the file declares and imports

    private void collect(MethodCodec m) {
        MethodDescriptor d = m.descriptor();
        switch (m.requestKind()) {
            case EMPTY -> imports.add("google/protobuf/empty.proto");
            case MESSAGE -> visitClass((Class<?>) m.requestType());
            case FIELDS -> m.requestFields().fields().forEach(this::visit);
            case VALUE -> visitValue(m.rpcName() + "Request", m.requestType());
        }
        Type result = d.resultType();
        if (d.returnsVoid()) {
            imports.add("google/protobuf/empty.proto");
        } else if (WRAPPERS.containsKey(result)) {
            imports.add("google/protobuf/wrappers.proto");
        } else if (MethodCodec.isMessage(result)) {
            visitClass((Class<?>) result);
        } else {
            MessageCodec.wrapper(m.rpcName() + "Response", result).fields().forEach(this::visit);
        }
    }

    /** A value that travels alone in a wrapper: a standard one, or one of ours whose field type is visited. */
    private void visitValue(String wrapperName, Type type) {
        if (WRAPPERS.containsKey(type)) {
            imports.add("google/protobuf/wrappers.proto");
        } else {
            MessageCodec.wrapper(wrapperName, type).fields().forEach(this::visit);
        }
    }

    private void visitClass(Class<?> type) {
        if (type.isRecord()) {
            visitRecord(type);
        } else {
            imports.add(GeneratedTypeName.importOf(type));
        }
    }

    private void visit(FieldSlot field) {
        visit(field.type());
        if (field.keyType() != null) {
            visit(field.keyType());
        }
    }

    private void visit(ProtoType type) {
        if (type instanceof RecordType r) {
            visitRecord(r.type());
        } else if (type instanceof EnumType e) {
            names.putIfAbsent(e.type(), null);
        } else if (type.importPath() != null) {
            imports.add(type.importPath());
        }
    }

    private void visitRecord(Class<?> type) {
        if (names.containsKey(type)) {
            return;
        }
        names.put(type, null);
        MessageCodec.forRecord(type).fields().forEach(this::visit);
    }

    private void assignNames() {
        // A nested type whose simple name another type (or the service) has takes its enclosing
        // classes' names; two types left with one name are refused, never numbered.
        Map<String, Integer> simple = new HashMap<>();
        names.keySet().forEach(t -> simple.merge(t.getSimpleName(), 1, Integer::sum));
        Map<String, Class<?>> owners = new HashMap<>();
        for (Map.Entry<Class<?>, String> e : names.entrySet()) {
            Class<?> type = e.getKey();
            boolean shared = simple.get(type.getSimpleName()) > 1 || taken.contains(type.getSimpleName());
            String name = shared ? qualified(type) : type.getSimpleName();
            Class<?> other = owners.putIfAbsent(name, type);
            if (other != null || !taken.add(name)) {
                throw new InvalidContractException(service.contract().type().getName() + ": " + type.getName()
                        + " and " + (other != null ? other.getName() : "the service " + name)
                        + " would both be the Protobuf " + (type.isEnum() ? "enum " : "message ") + name
                        + " (expected: distinct simple names; rename one, or nest it in a class whose name"
                        + " qualifies it)");
            }
            e.setValue(name);
        }
    }

    /**
     * The full name of a message: in the service, {@code Order} would name an rpc {@code Order}
     * if there were one, as protoc looks names up from the innermost scope.
     */
    String qualified(String messageName) {
        if (messageName.startsWith(".")) {
            return messageName;
        }
        return messageName.startsWith("google.protobuf.") ? "." + messageName
                : "." + service.packageName() + "." + messageName;
    }

    /** {@code Outer.Line} as {@code OuterLine}: the second choice when the simple name is taken. */
    private static String qualified(Class<?> type) {
        Class<?> outer = type.getEnclosingClass();
        return outer == null ? type.getSimpleName() : outer.getSimpleName() + type.getSimpleName();
    }

    /** The name of a request or response message the export makes up: refused when a record has it. */
    private String synthetic(MethodCodec m, String suffix) {
        String name = m.rpcName() + suffix;
        if (!taken.add(name)) {
            throw new InvalidContractException(service.contract().type().getName() + "." + m.descriptor().name()
                    + ": its " + suffix.toLowerCase(Locale.ROOT) + " message would be " + name
                    + ", a name a record or enum of the contract already has (expected: distinct names;"
                    + " rename the record, or take it as the method's one parameter)");
        }
        return name;
    }

    private String requestName(MethodCodec m) {
        return switch (m.requestKind()) {
            case EMPTY -> EMPTY;
            case MESSAGE -> typeName((Class<?>) m.requestType());
            case FIELDS -> {
                String name = synthetic(m, "Request");
                synthetic.put(name, new Synthetic(m.requestFields(), m.descriptor()));
                yield name;
            }
            case VALUE -> {
                if (WRAPPERS.containsKey(m.requestType())) {
                    yield WRAPPERS.get(m.requestType());
                }
                String name = synthetic(m, "Request");
                synthetic.put(name, new Synthetic(MessageCodec.wrapper(name, m.requestType()), null));
                yield name;
            }
        };
    }

    private String responseName(MethodCodec m) {
        MethodDescriptor d = m.descriptor();
        Type result = d.resultType();
        if (d.returnsVoid()) {
            return EMPTY;
        }
        if (WRAPPERS.containsKey(result)) {
            return WRAPPERS.get(result);
        }
        if (MethodCodec.isMessage(result)) {
            return typeName((Class<?>) result);
        }
        String name = synthetic(m, "Response");
        synthetic.put(name, new Synthetic(MessageCodec.wrapper(name, result), null));
        return name;
    }

    private String typeName(Class<?> type) {
        return type.isRecord() ? names.get(type) : GeneratedTypeName.of(type);
    }

    // --- SchemaNames, for the types' protoName

    @Override
    public String messageName(Class<?> record) {
        return names.get(record);
    }

    @Override
    public String enumName(Class<?> type) {
        return names.get(type);
    }

    @Override
    public String generatedName(GeneratedType type) {
        return GeneratedTypeName.of(type.type());
    }

    // --- writing

    private void message(StringBuilder out, String name, MessageCodec codec, MethodDescriptor method) {
        out.append("\nmessage ").append(name).append(" {\n");
        List<FieldSlot> fields = new ArrayList<>(codec.fields());
        Map<FieldSlot, ParameterDescriptor> params = new HashMap<>();
        if (method != null) {
            for (int i = 0; i < fields.size(); i++) {
                params.put(fields.get(i), method.parameters().get(i));
            }
        }
        fields.sort(Comparator.comparingInt(FieldSlot::number));
        for (FieldSlot f : fields) {
            out.append("  ");
            switch (f.label()) {
                case SINGULAR -> out.append(f.type().protoName(this));
                case OPTIONAL -> out.append("optional ").append(f.type().protoName(this));
                case REPEATED -> out.append("repeated ").append(f.type().protoName(this));
                case MAP -> out.append("map<").append(f.keyType().protoName(this)).append(", ")
                        .append(f.type().protoName(this)).append('>');
            }
            out.append(' ').append(f.protoName()).append(" = ").append(f.number()).append(';');
            List<String> notes = new ArrayList<>();
            ParameterDescriptor p = params.get(f);
            if (p != null && p.kind() != ParameterDescriptor.Kind.BODY) {
                notes.add("@" + p.kind().name().charAt(0) + p.kind().name().substring(1).toLowerCase(Locale.ROOT)
                        + "(\"" + p.name() + "\")");
            }
            if (f.type().comment() != null) {
                notes.add(f.type().comment());
            }
            if (!notes.isEmpty()) {
                out.append("  // ").append(String.join("; ", notes));
            }
            out.append('\n');
        }
        out.append("}\n");
    }

    private static void enumeration(StringBuilder out, String name, EnumType type) {
        out.append("\nenum ").append(name).append(" {\n");
        enumValues(name, type).forEach((value, number) ->
                out.append("  ").append(value).append(" = ").append(number).append(";\n"));
        out.append("}\n");
    }

    /**
     * An enum's values, in order of number, named with the enum as prefix ({@code COLOR_RED}):
     * enum values share the package's scope in Protobuf, so two enums' {@code UNKNOWN} would clash.
     */
    static Map<String, Integer> enumValues(String name, EnumType type) {
        String prefix = SchemaNames.snakeCase(name).toUpperCase(Locale.ROOT) + "_";
        Map<String, Integer> values = new LinkedHashMap<>();
        if (!type.hasZero()) {
            // proto3 wants a first value of 0, the default; this one stands for "not set".
            values.put(prefix + "UNSPECIFIED", 0);
        }
        List<Enum<?>> constants = new ArrayList<>(type.constants());
        constants.sort(Comparator.comparingInt(type::number));
        for (Enum<?> c : constants) {
            values.put(prefix + c.name().toUpperCase(Locale.ROOT), type.number(c));
        }
        return values;
    }
}
