package io.courier.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.courier.protobuf.internal.EnumType;
import io.courier.protobuf.internal.FieldSlot;
import io.courier.protobuf.internal.MessageCodec;
import io.courier.protobuf.internal.ProtoType;
import io.courier.protobuf.internal.SchemaNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Renders the schema a {@link ProtoFileWriter} collected as the {@link FileDescriptorProto}
 * that {@code protoc} makes of its text: same order, fully qualified type names, JSON names,
 * map entry messages and proto3 {@code optional} synthetic oneofs. The tests compare the two.
 */
final class ProtoDescriptorWriter {
    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.of(
            "int32", FieldDescriptorProto.Type.TYPE_INT32, "int64", FieldDescriptorProto.Type.TYPE_INT64,
            "bool", FieldDescriptorProto.Type.TYPE_BOOL, "double", FieldDescriptorProto.Type.TYPE_DOUBLE,
            "float", FieldDescriptorProto.Type.TYPE_FLOAT, "string", FieldDescriptorProto.Type.TYPE_STRING,
            "bytes", FieldDescriptorProto.Type.TYPE_BYTES);

    private final ProtoFileWriter schema;
    private final SchemaNames names;

    ProtoDescriptorWriter(ProtoFileWriter schema) {
        this.schema = schema;
        this.names = schema;
    }

    FileDescriptorProto write(String fileName) {
        ProtoService service = schema.service();
        FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder()
                .setName(fileName)
                .setPackage(service.packageName())
                .addAllDependency(schema.imports())
                .setSyntax("proto3");
        service.javaPackage().ifPresent(p -> file.setOptions(FileOptions.newBuilder()
                .setJavaPackage(p).setJavaMultipleFiles(true)));
        ServiceDescriptorProto.Builder svc = ServiceDescriptorProto.newBuilder().setName(service.name());
        schema.signatures().forEach((m, sig) -> {
            MethodDescriptorProto.Builder method = MethodDescriptorProto.newBuilder()
                    .setName(m.rpcName())
                    .setInputType(schema.qualified(sig[0]))
                    .setOutputType(schema.qualified(sig[1]));
            // protoc sets these only for 'stream', and the tests compare with its output.
            if (m.streamsRequests()) {
                method.setClientStreaming(true);
            }
            if (m.streamsResponses()) {
                method.setServerStreaming(true);
            }
            svc.addMethod(method);
        });
        file.addService(svc);
        schema.synthetic().forEach((name, s) -> file.addMessageType(message(name, s.codec())));
        schema.declared().forEach((type, name) -> {
            if (type.isEnum()) {
                file.addEnumType(enumeration(name, EnumType.of(type)));
            } else {
                file.addMessageType(message(name, MessageCodec.forRecord(type)));
            }
        });
        return file.build();
    }

    private DescriptorProto message(String name, MessageCodec codec) {
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(name);
        List<FieldSlot> fields = new ArrayList<>(codec.fields());
        fields.sort(Comparator.comparingInt(FieldSlot::number));
        List<String> syntheticOneofs = new ArrayList<>();
        for (FieldSlot f : fields) {
            FieldDescriptorProto.Builder fd = FieldDescriptorProto.newBuilder()
                    .setName(f.protoName())
                    .setNumber(f.number())
                    .setJsonName(jsonName(f.protoName()));
            switch (f.label()) {
                case SINGULAR -> typed(fd.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), f.type());
                case OPTIONAL -> {
                    // proto3 'optional': presence through a oneof of its own, as protoc declares it.
                    syntheticOneofs.add("_" + f.protoName());
                    typed(fd.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), f.type())
                            .setProto3Optional(true);
                }
                case REPEATED -> typed(fd.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED), f.type());
                case MAP -> {
                    String entry = mapEntryName(f.protoName());
                    m.addNestedType(DescriptorProto.newBuilder()
                            .setName(entry)
                            .addField(typed(FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                                    .setJsonName("key").setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), f.keyType()))
                            .addField(typed(FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                                    .setJsonName("value").setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), f.type()))
                            .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
                    fd.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                            .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                            .setTypeName("." + schema.service().packageName() + "." + name + "." + entry);
                }
            }
            if (f.label() == FieldSlot.Label.OPTIONAL) {
                fd.setOneofIndex(syntheticOneofs.size() - 1);
            }
            m.addField(fd);
        }
        syntheticOneofs.forEach(o -> m.addOneofDecl(OneofDescriptorProto.newBuilder().setName(o)));
        return m.build();
    }

    private FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder fd, ProtoType type) {
        String name = type.protoName(names);
        FieldDescriptorProto.Type scalar = SCALARS.get(name);
        if (scalar != null) {
            return fd.setType(scalar);
        }
        return fd.setType(type instanceof EnumType ? FieldDescriptorProto.Type.TYPE_ENUM : FieldDescriptorProto.Type.TYPE_MESSAGE)
                .setTypeName(schema.qualified(name));
    }

    private static EnumDescriptorProto enumeration(String name, EnumType type) {
        EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(name);
        ProtoFileWriter.enumValues(name, type).forEach((value, number) ->
                e.addValue(EnumValueDescriptorProto.newBuilder().setName(value).setNumber(number)));
        return e.build();
    }

    /** protoc's JSON name: {@code created_at} is {@code createdAt}. */
    static String jsonName(String protoName) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : protoName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** protoc's name for a map field's entry message: {@code by_number} is {@code ByNumberEntry}. */
    static String mapEntryName(String protoName) {
        String json = jsonName(protoName);
        return Character.toUpperCase(json.charAt(0)) + json.substring(1) + "Entry";
    }
}
