package io.courier.grpc.internal;

import io.courier.contract.ServiceDescriptor;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.Collection;
import java.util.function.Supplier;

/** The server reflection service, {@code grpc.reflection.v1.ServerReflection}. */
final class ReflectionService {
    private final Supplier<Collection<ServiceDescriptor>> services;

    ReflectionService(Supplier<Collection<ServiceDescriptor>> services) {
        this.services = services;
    }

    boolean handles(String path) {
        return false;
    }

    void handle(GrpcServerRequest<Buffer, Buffer> request, Context loop) {
    }
}
