package io.courier.contracts;

import io.courier.contract.ChannelUse;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.http.AsyncApi;
import io.courier.http.OpenApi;
import io.courier.spi.ContractExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Writes a contract's files as {@code courier contract export} does: OpenAPI, .proto, .avsc and AsyncAPI. */
final class Exported {
    private Exported() {
    }

    static Path write(Class<?> contract, Path dir) {
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(service.name() + ".openapi.json"), OpenApi.json(service.name(),
                    List.of(contract), List.of("application/xml", "application/x-protobuf", "application/avro")));
            Files.writeString(dir.resolve(service.name() + ".asyncapi.json"), AsyncApi.json(service.name(),
                    () -> commands(service, service.name() + ".commands")));
            for (ContractExporter e : ServiceLoader.load(ContractExporter.class)) {
                Files.writeString(dir.resolve(service.name() + "." + e.extension()), e.export(service));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static List<ChannelUse> commands(ServiceDescriptor service, String channel) {
        List<ChannelUse> uses = new ArrayList<>();
        for (MethodDescriptor m : service.methods()) {
            uses.add(new ChannelUse(channel, ChannelUse.Kind.HANDLE_COMMAND, m.fullName(),
                    m.body().map(ParameterDescriptor::type).orElse(Void.class),
                    m.returnsVoid() || m.oneWay() ? Optional.empty() : Optional.of(m.resultType()),
                    Optional.of(service.name())));
        }
        return uses;
    }
}
