package io.courier.grpc.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.courier.protobuf.ProtoService;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The server reflection service, {@code grpc.reflection.v1.ServerReflection} (and the same
 * under {@code v1alpha}, which older tools call): lists the services and answers each
 * {@code file_by_filename} and {@code file_containing_symbol} with the file and every file it
 * imports, so that grpcurl and the like can describe and call a Courier server. A contract's
 * file is its {@code .proto} export ({@link ProtoService#toFileDescriptorProto()}); a contract
 * without a Protobuf mapping is not listed. Its messages are few and small, so they are read and
 * written by hand, like the health service's.
 */
final class ReflectionService {
    static final String V1 = "grpc.reflection.v1.ServerReflection";
    static final String V1ALPHA = "grpc.reflection.v1alpha.ServerReflection";
    private static final String METHOD = "/ServerReflectionInfo";

    // ServerReflectionRequest
    private static final int FILE_BY_FILENAME = 3;
    private static final int FILE_CONTAINING_SYMBOL = 4;
    private static final int FILE_CONTAINING_EXTENSION = 5;
    private static final int ALL_EXTENSION_NUMBERS_OF_TYPE = 6;
    private static final int LIST_SERVICES = 7;
    // ServerReflectionResponse
    private static final int VALID_HOST = 1;
    private static final int ORIGINAL_REQUEST = 2;
    private static final int FILE_DESCRIPTOR_RESPONSE = 4;
    private static final int ALL_EXTENSION_NUMBERS_RESPONSE = 5;
    private static final int LIST_SERVICES_RESPONSE = 6;
    private static final int ERROR_RESPONSE = 7;

    private final Supplier<Collection<FileDescriptor>> files;

    /** @param files the files of the served contracts, built on demand (they change as contracts are served) */
    ReflectionService(Supplier<Collection<FileDescriptor>> files) {
        this.files = files;
    }

    boolean handles(String path) {
        return path.equals("/" + V1 + METHOD) || path.equals("/" + V1ALPHA + METHOD);
    }

    /** Answers {@code request}, whose body {@code reader} reads: one response per request message. */
    void handle(GrpcServerRequest<Buffer, Buffer> request, RequestReader reader) {
        if (request.format() != WireFormat.PROTOBUF) {
            Trailers.end(request.response(), GrpcStatus.UNIMPLEMENTED.code,
                    "server reflection speaks application/grpc+proto only");
            return;
        }
        reader.start(message -> {
            if (reader.answered()) {
                return;
            }
            byte[] answer;
            try {
                answer = answer(message);
            } catch (IOException e) {
                Trailers.end(request.response(), GrpcStatus.INVALID_ARGUMENT.code, "ServerReflectionRequest: invalid"
                        + " Protobuf (" + e.getMessage() + ")");
                return;
            }
            request.response().write(Buffer.buffer(answer));
        }, () -> {
            if (!reader.answered()) {
                request.response().end();
            }
        }, error -> {
            if (!reader.answered()) {
                Trailers.end(request.response(), error);
            }
        });
    }

    /** The response to one request; errors about what was asked are in the response, as the protocol wants. */
    byte[] answer(byte[] request) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(request);
        String host = "";
        int asked = 0;
        String argument = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == 2) {
                host = in.readStringRequireUtf8();
            } else if (field >= FILE_BY_FILENAME && field <= LIST_SERVICES && (tag & 7) == 2) {
                asked = field;
                // file_containing_extension is a message; what it asks is answered NOT_FOUND below anyway.
                argument = field == FILE_CONTAINING_EXTENSION ? "" : in.readStringRequireUtf8();
                if (field == FILE_CONTAINING_EXTENSION) {
                    in.skipField(tag);
                }
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        Index index = new Index(files.get());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.writeString(VALID_HOST, host);
        o.writeByteArray(ORIGINAL_REQUEST, request);
        switch (asked) {
            case LIST_SERVICES -> o.writeByteArray(LIST_SERVICES_RESPONSE, services(index.services()));
            case FILE_BY_FILENAME -> {
                FileDescriptor file = index.byName.get(argument);
                if (file == null) {
                    error(o, "file " + argument + " (expected: one of " + index.byName.keySet() + ")");
                } else {
                    o.writeByteArray(FILE_DESCRIPTOR_RESPONSE, fileResponse(file));
                }
            }
            case FILE_CONTAINING_SYMBOL -> {
                FileDescriptor file = index.bySymbol.get(argument);
                if (file == null) {
                    error(o, "symbol " + argument + " (expected: a service, method, message or enum of "
                            + index.services() + ")");
                } else {
                    o.writeByteArray(FILE_DESCRIPTOR_RESPONSE, fileResponse(file));
                }
            }
            case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
                if (index.bySymbol.get(argument) == null) {
                    error(o, "message type " + argument);
                } else {
                    // proto3 files declare no extensions: the type is known and has none.
                    ByteArrayOutputStream numbers = new ByteArrayOutputStream();
                    CodedOutputStream n = CodedOutputStream.newInstance(numbers);
                    n.writeString(1, argument);
                    n.flush();
                    o.writeByteArray(ALL_EXTENSION_NUMBERS_RESPONSE, numbers.toByteArray());
                }
            }
            case FILE_CONTAINING_EXTENSION -> error(o, "extension (expected: none; Courier's files are proto3 and declare none)");
            default -> error(o, "request (expected: one of list_services, file_by_filename, file_containing_symbol)");
        }
        o.flush();
        return out.toByteArray();
    }

    private static byte[] services(List<String> names) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (String name : names) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            CodedOutputStream s = CodedOutputStream.newInstance(one);
            s.writeString(1, name);
            s.flush();
            o.writeByteArray(1, one.toByteArray());
        }
        o.flush();
        return out.toByteArray();
    }

    /** The file and everything it imports, each once: what a client needs to build it. */
    private static byte[] fileResponse(FileDescriptor file) throws IOException {
        Set<FileDescriptor> all = new LinkedHashSet<>();
        collect(file, all);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (FileDescriptor f : all) {
            o.writeByteArray(1, f.toProto().toByteArray());
        }
        o.flush();
        return out.toByteArray();
    }

    private static void collect(FileDescriptor file, Set<FileDescriptor> into) {
        if (into.add(file)) {
            file.getDependencies().forEach(d -> collect(d, into));
        }
    }

    private static void error(CodedOutputStream o, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(out);
        e.writeInt32(1, GrpcStatus.NOT_FOUND.code);
        e.writeString(2, "unknown " + what);
        e.flush();
        o.writeByteArray(ERROR_RESPONSE, out.toByteArray());
    }

    /** The served files, each import included, by name and by the symbols they declare. */
    private static final class Index {
        final Map<String, FileDescriptor> byName = new LinkedHashMap<>();
        final Map<String, FileDescriptor> bySymbol = new LinkedHashMap<>();
        final Set<String> services = new LinkedHashSet<>();

        Index(Collection<FileDescriptor> served) {
            for (FileDescriptor f : served) {
                f.getServices().forEach(s -> services.add(s.getFullName()));
                Set<FileDescriptor> all = new LinkedHashSet<>();
                collect(f, all);
                all.forEach(this::add);
            }
        }

        List<String> services() {
            return new ArrayList<>(services);
        }

        private void add(FileDescriptor file) {
            if (byName.putIfAbsent(file.getName(), file) != null) {
                return;
            }
            for (ServiceDescriptor s : file.getServices()) {
                bySymbol.putIfAbsent(s.getFullName(), file);
                for (MethodDescriptor m : s.getMethods()) {
                    bySymbol.putIfAbsent(m.getFullName(), file);
                }
            }
            file.getMessageTypes().forEach(m -> add(m, file));
            file.getEnumTypes().forEach(e -> bySymbol.putIfAbsent(e.getFullName(), file));
        }

        private void add(Descriptor message, FileDescriptor file) {
            bySymbol.putIfAbsent(message.getFullName(), file);
            message.getNestedTypes().forEach(n -> add(n, file));
            for (EnumDescriptor e : message.getEnumTypes()) {
                bySymbol.putIfAbsent(e.getFullName(), file);
            }
        }
    }
}
