package io.courier.protobuf.internal;

import io.courier.contract.ServiceDescriptor;
import io.courier.spi.ContractExporter;

/**
 * The {@code .proto} export of a contract ({@code io.courier.protobuf.ProtoService#toProto()},
 * default package) for {@code /contracts/<service>.proto} and {@code courier contract export}.
 */
public final class ProtoExporter implements ContractExporter {
    /** For {@link java.util.ServiceLoader}. */
    public ProtoExporter() {
    }

    @Override
    public String extension() {
        return "proto";
    }

    @Override
    public String mediaType() {
        return "text/plain; charset=utf-8";
    }

    @Override
    public String export(ServiceDescriptor service) {
        return io.courier.protobuf.ProtoService.of(service.type()).toProto();
    }
}
