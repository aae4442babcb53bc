package io.courier.contracts.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages, enums and services of a set of {@code .proto} files, by full name (with the
 * leading dot, as descriptors write them), every type reference resolved by protobuf's scoping
 * rules: the innermost scope first, then outwards. A reference to a type none of the files
 * declares (an import from elsewhere, {@code google.protobuf.Timestamp}) stays as written and
 * is compared by its name.
 */
final class ProtoSchema {
    private final Map<String, DescriptorProto> messages = new LinkedHashMap<>();
    private final Map<String, EnumDescriptorProto> enums = new LinkedHashMap<>();
    private final Map<String, ServiceDescriptorProto> services = new LinkedHashMap<>();
    private final Map<String, Boolean> declared = new LinkedHashMap<>(); // full name -> is a message
    private final Set<String> scopes = new HashSet<>();

    ProtoSchema(List<FileDescriptorProto> files) {
        for (FileDescriptorProto f : files) {
            String pkg = f.getPackage().isEmpty() ? "" : "." + f.getPackage();
            f.getMessageTypeList().forEach(m -> declare(pkg, m));
            f.getEnumTypeList().forEach(e -> declared.put(pkg + "." + e.getName(), false));
        }
        for (FileDescriptorProto f : files) {
            String pkg = f.getPackage().isEmpty() ? "" : "." + f.getPackage();
            f.getMessageTypeList().forEach(m -> index(pkg, m));
            f.getEnumTypeList().forEach(e -> enums.put(pkg + "." + e.getName(), e));
            for (ServiceDescriptorProto s : f.getServiceList()) {
                ServiceDescriptorProto.Builder b = s.toBuilder().clearMethod();
                for (MethodDescriptorProto m : s.getMethodList()) {
                    b.addMethod(m.toBuilder().setInputType(resolve(pkg, m.getInputType()))
                            .setOutputType(resolve(pkg, m.getOutputType())));
                }
                services.put(pkg + "." + s.getName(), b.build());
            }
        }
    }

    private void declare(String scope, DescriptorProto m) {
        String name = scope + "." + m.getName();
        declared.put(name, true);
        m.getNestedTypeList().forEach(n -> declare(name, n));
        m.getEnumTypeList().forEach(e -> declared.put(name + "." + e.getName(), false));
    }

    private void index(String scope, DescriptorProto m) {
        String name = scope + "." + m.getName();
        DescriptorProto.Builder b = m.toBuilder().clearField();
        for (FieldDescriptorProto f : m.getFieldList()) {
            if (!f.hasTypeName()) {
                b.addField(f);
                continue;
            }
            String resolved = resolve(name, f.getTypeName());
            Boolean message = declared.get(resolved);
            FieldDescriptorProto.Builder rf = f.toBuilder().setTypeName(resolved);
            if (message != null) {
                rf.setType(message ? FieldDescriptorProto.Type.TYPE_MESSAGE : FieldDescriptorProto.Type.TYPE_ENUM);
            } else if (!f.hasType()) {
                rf.setType(FieldDescriptorProto.Type.TYPE_MESSAGE); // declared elsewhere: compared by name
            }
            b.addField(rf);
        }
        messages.put(name, b.build());
        m.getNestedTypeList().forEach(n -> index(name, n));
        m.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
    }

    /** {@code ref} as seen from {@code scope} (a package or message full name), fully qualified. */
    private String resolve(String scope, String ref) {
        if (ref.startsWith(".")) {
            return ref;
        }
        // Protobuf looks the first part up from the innermost scope outwards, then the rest inside it.
        String first = ref.contains(".") ? ref.substring(0, ref.indexOf('.')) : ref;
        String rest = ref.substring(first.length());
        for (String s = scope; ; s = s.substring(0, s.lastIndexOf('.'))) {
            if (declared.containsKey(s + "." + first) || declaredPackage(s + "." + first)) {
                String candidate = s + "." + first + rest;
                if (declared.containsKey(candidate)) {
                    return candidate;
                }
            }
            if (s.isEmpty()) {
                return "." + ref;
            }
        }
    }

    /** Whether {@code prefix} is a package or message that some declared name lies inside. */
    private boolean declaredPackage(String prefix) {
        if (scopes.isEmpty()) { // every proper prefix of every declared name, once: lookups stay constant time
            for (String n : declared.keySet()) {
                for (int i = n.indexOf('.', 1); i > 0; i = n.indexOf('.', i + 1)) {
                    scopes.add(n.substring(0, i));
                }
            }
        }
        return scopes.contains(prefix);
    }

    Map<String, DescriptorProto> messages() {
        return messages;
    }

    Map<String, EnumDescriptorProto> enums() {
        return enums;
    }

    Map<String, ServiceDescriptorProto> services() {
        return services;
    }
}
