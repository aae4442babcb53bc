package io.courier.grpc.internal;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.Message;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.protobuf.ProtoService;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each served contract's {@code .proto} file as a built {@link FileDescriptor}, with the files it
 * imports resolved (the well-known types and the files of protoc-generated messages it uses),
 * for server reflection. Built once per contract.
 */
final class ContractFiles {
    private static final Logger log = LoggerFactory.getLogger(ContractFiles.class);

    private final Map<Class<?>, Optional<FileDescriptor>> files = new ConcurrentHashMap<>();

    /** The file declaring {@code proto}'s service; empty (logged) when it cannot be built. */
    Optional<FileDescriptor> of(ServiceDescriptor service, ProtoService proto) {
        return files.computeIfAbsent(service.type(), t -> build(service, proto));
    }

    private static Optional<FileDescriptor> build(ServiceDescriptor service, ProtoService proto) {
        Map<String, FileDescriptor> known = new HashMap<>();
        for (FileDescriptor f : new FileDescriptor[] {AnyProto.getDescriptor(), DurationProto.getDescriptor(),
                EmptyProto.getDescriptor(), StructProto.getDescriptor(), TimestampProto.getDescriptor(),
                WrappersProto.getDescriptor()}) {
            known.put(f.getName(), f);
        }
        Set<Type> seen = new HashSet<>();
        for (MethodDescriptor m : service.methods()) {
            m.parameters().forEach(p -> generatedFiles(p.type(), known, seen));
            generatedFiles(m.resultType(), known, seen);
        }
        // A contract written against a hand-written .proto's generated messages, with that file's
        // package and service name, is that file's service: describe it with the original.
        for (FileDescriptor f : known.values()) {
            if (f.getServices().stream().anyMatch(s -> s.getFullName().equals(proto.fullName()))) {
                return Optional.of(f);
            }
        }
        FileDescriptorProto file = proto.toFileDescriptorProto();
        FileDescriptor[] deps = new FileDescriptor[file.getDependencyCount()];
        for (int i = 0; i < deps.length; i++) {
            deps[i] = known.get(file.getDependency(i));
            if (deps[i] == null) {
                log.info("gRPC reflection: {} is not described, its file imports {} which is not known",
                        proto.fullName(), file.getDependency(i));
                return Optional.empty();
            }
        }
        try {
            return Optional.of(FileDescriptor.buildFrom(file, deps));
        } catch (DescriptorValidationException e) {
            log.info("gRPC reflection: {} is not described: {}", proto.fullName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Adds the files (and their imports) of the generated messages that {@code type} reaches. */
    private static void generatedFiles(Type type, Map<String, FileDescriptor> into, Set<Type> seen) {
        if (!seen.add(type)) {
            return;
        }
        if (type instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) {
                generatedFiles(a, into, seen);
            }
        } else if (type instanceof GenericArrayType a) {
            generatedFiles(a.getGenericComponentType(), into, seen);
        } else if (type instanceof Class<?> c) {
            if (Message.class.isAssignableFrom(c) && c != Message.class) {
                try {
                    addWithImports(((Message) c.getMethod("getDefaultInstance").invoke(null)).getDescriptorForType().getFile(), into);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    log.debug("gRPC reflection: no descriptor for {}", c.getName(), e);
                }
            } else if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    generatedFiles(rc.getGenericType(), into, seen);
                }
            }
        }
    }

    private static void addWithImports(FileDescriptor file, Map<String, FileDescriptor> into) {
        if (into.putIfAbsent(file.getName(), file) == null) {
            file.getDependencies().forEach(d -> addWithImports(d, into));
        }
    }
}
