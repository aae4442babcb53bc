package io.courier.grpc.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.courier.InternalException;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standard health service, {@code grpc.health.v1.Health}: {@code SERVING} for every served
 * gRPC service and for {@code ""} (the whole server), {@code NOT_SERVING} once the server is
 * stopping, {@code SERVICE_UNKNOWN} / {@code NOT_FOUND} for anything else. Its two messages are
 * small enough to read and write by hand ({@code HealthCheckRequest.service = 1},
 * {@code HealthCheckResponse.status = 1}).
 */
final class HealthService {
    static final String SERVICE = "grpc.health.v1.Health";
    private static final String CHECK = "/" + SERVICE + "/Check";
    private static final String WATCH = "/" + SERVICE + "/Watch";
    private static final int SERVING = 1;
    private static final int NOT_SERVING = 2;
    private static final int SERVICE_UNKNOWN = 3;

    /**
     * {@code grpc/health/v1/health.proto}, as protoc compiles it (less its language options), so
     * that reflection describes this service too and tools can call it.
     */
    static final FileDescriptor FILE = file();

    private final Set<String> serving = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    void serving(String service) {
        serving.add(service);
    }

    void stopping() {
        stopping = true;
    }

    boolean handles(String path) {
        return path.equals(CHECK) || path.equals(WATCH);
    }

    /** Answers {@code request}, whose body {@code reader} reads. */
    void handle(GrpcServerRequest<Buffer, Buffer> request, RequestReader reader, Set<String> services) {
        boolean watch = request.fullMethodName().endsWith("/Watch");
        if (request.format() != WireFormat.PROTOBUF) {
            Trailers.end(request.response(), GrpcStatus.UNIMPLEMENTED.code,
                    SERVICE + " speaks application/grpc+proto only");
            return;
        }
        boolean[] asked = new boolean[1];
        reader.start(message -> {
            if (asked[0]) {
                throw new InternalException(request.fullMethodName() + ": too many request messages (expected: exactly"
                        + " one)");
            }
            asked[0] = true;
            answer(request, message, watch, services);
        }, () -> {
            if (!asked[0]) {
                Trailers.end(request.response(), new InternalException(request.fullMethodName()
                        + ": no request message (expected: exactly one)"));
            }
        }, error -> {
            if (!reader.answered()) {
                Trailers.end(request.response(), error);
            }
        });
    }

    private void answer(GrpcServerRequest<Buffer, Buffer> request, byte[] message, boolean watch, Set<String> services) {
        String service;
        try {
            service = readService(message);
        } catch (IOException e) {
            Trailers.end(request.response(), GrpcStatus.INVALID_ARGUMENT.code, "HealthCheckRequest: invalid Protobuf ("
                    + e.getMessage() + ")");
            return;
        }
        int status = status(service);
        if (status == SERVICE_UNKNOWN && !watch) {
            Trailers.end(request.response(), GrpcStatus.NOT_FOUND.code, "unknown service " + service
                    + " (expected: \"\" or one of " + services + ")");
        } else if (watch) {
            // The status of a running server does not change until it stops: send it, and
            // keep the stream open as the protocol asks, until the client goes away.
            request.response().write(Buffer.buffer(response(status)));
        } else {
            request.response().end(Buffer.buffer(response(status)));
        }
    }

    private int status(String service) {
        if (!service.isEmpty() && !serving.contains(service)) {
            return SERVICE_UNKNOWN;
        }
        return stopping ? NOT_SERVING : SERVING;
    }

    private static String readService(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String service = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (tag == (1 << 3 | 2)) {
                service = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return service;
    }

    private static FileDescriptor file() {
        String pkg = ".grpc.health.v1.";
        FileDescriptorProto proto = FileDescriptorProto.newBuilder()
                .setName("grpc/health/v1/health.proto")
                .setPackage("grpc.health.v1")
                .addMessageType(DescriptorProto.newBuilder().setName("HealthCheckRequest")
                        .addField(FieldDescriptorProto.newBuilder().setName("service").setNumber(1)
                                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                                .setType(FieldDescriptorProto.Type.TYPE_STRING)))
                .addMessageType(DescriptorProto.newBuilder().setName("HealthCheckResponse")
                        .addField(FieldDescriptorProto.newBuilder().setName("status").setNumber(1)
                                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                                .setType(FieldDescriptorProto.Type.TYPE_ENUM)
                                .setTypeName(pkg + "HealthCheckResponse.ServingStatus"))
                        .addEnumType(EnumDescriptorProto.newBuilder().setName("ServingStatus")
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("UNKNOWN").setNumber(0))
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("SERVING").setNumber(SERVING))
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("NOT_SERVING").setNumber(NOT_SERVING))
                                .addValue(EnumValueDescriptorProto.newBuilder().setName("SERVICE_UNKNOWN")
                                        .setNumber(SERVICE_UNKNOWN))))
                .addService(ServiceDescriptorProto.newBuilder().setName("Health")
                        .addMethod(MethodDescriptorProto.newBuilder().setName("Check")
                                .setInputType(pkg + "HealthCheckRequest").setOutputType(pkg + "HealthCheckResponse"))
                        .addMethod(MethodDescriptorProto.newBuilder().setName("Watch")
                                .setInputType(pkg + "HealthCheckRequest").setOutputType(pkg + "HealthCheckResponse")
                                .setServerStreaming(true)))
                .setSyntax("proto3")
                .build();
        try {
            return FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] response(int status) {
        byte[] out = new byte[CodedOutputStream.computeEnumSize(1, status)];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeEnum(1, status);
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
