package io.courier.contracts.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptors of protoc-generated classes, read through {@code getDescriptor()}: the file
 * that declares the message or enum, with its imports, as {@link FileDescriptorProto}s. Read by
 * reflection and through the descriptors' bytes, so that a class whose jar bundles its own copy
 * of protobuf-java is read as well.
 */
final class GeneratedTypes {
    private GeneratedTypes() {
    }

    /** Whether {@code type} is a protoc-generated message or enum. */
    static boolean is(Class<?> type) {
        if (type == null) {
            return false;
        }
        if (type.isEnum()) {
            for (Class<?> i : type.getInterfaces()) {
                if (i.getName().equals("com.google.protobuf.ProtocolMessageEnum")) {
                    return true;
                }
            }
            return false;
        }
        return !type.isRecord() && Shapes.isMessage(type);
    }

    /** Whether {@code type} is a generated enum (else a message). */
    static boolean isEnum(Class<?> type) {
        return type.isEnum();
    }

    /** The type's full name as descriptors write references: {@code .acme.Hello}. */
    static String fullName(Class<?> type) {
        Object d = descriptor(type);
        return "." + call(d, "getFullName");
    }

    /** The file declaring {@code type} and every file it imports, transitively. */
    static ProtoSchema schema(Class<?> type) {
        Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        Deque<Object> todo = new ArrayDeque<>(List.of(call(descriptor(type), "getFile")));
        while (!todo.isEmpty()) {
            Object file = todo.pop();
            Object proto = call(file, "toProto");
            try {
                FileDescriptorProto f = FileDescriptorProto.parseFrom((byte[]) call(proto, "toByteArray"));
                if (files.putIfAbsent(f.getName(), f) == null) {
                    todo.addAll((List<?>) call(file, "getDependencies"));
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(type.getName() + ": its descriptor does not parse: " + e, e);
            }
        }
        return new ProtoSchema(List.copyOf(files.values()));
    }

    private static Object descriptor(Class<?> type) {
        try {
            return type.getMethod("getDescriptor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + ": no static getDescriptor() (expected: a protoc-generated"
                    + " message or enum): " + e, e);
        }
    }

    private static Object call(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(target.getClass().getName() + "." + method + "(): " + e, e);
        }
    }
}
