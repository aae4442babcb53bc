package io.courier.http.internal;

import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.contract.InvalidContractException;
import io.courier.contract.ServiceDescriptor;
import io.courier.spi.ContractExporter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /contracts/<service>.<extension>}: each registered contract in every format a
 * {@link ContractExporter} on the class or module path writes ({@code .proto} with
 * courier-protobuf, {@code .avsc} with courier-avro). Rendered on first request, then kept. A
 * contract route of the same path wins.
 */
final class ContractFilesEndpoint {
    private static final Logger log = LoggerFactory.getLogger(ContractFilesEndpoint.class);
    static final String PREFIX = "/contracts/";

    private final List<ContractExporter> exporters = new ArrayList<>();
    private final List<ServiceDescriptor> services = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> rendered = new ConcurrentHashMap<>();

    ContractFilesEndpoint() {
        ServiceLoader.load(ContractExporter.class, ContractFilesEndpoint.class.getClassLoader())
                .forEach(exporters::add);
    }

    void register(ServiceDescriptor service) {
        services.add(service);
    }

    /** Whether {@code request} asks for a contract file. */
    static boolean asks(HttpServerRequest request) {
        return (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
                && request.path().startsWith(PREFIX);
    }

    void answer(HttpServerRequest request) {
        String file = request.path().substring(PREFIX.length());
        for (ContractExporter exporter : exporters) {
            for (ServiceDescriptor service : services) {
                if (file.equals(service.name() + "." + exporter.extension())) {
                    byte[] body;
                    try {
                        body = rendered.computeIfAbsent(file,
                                f -> exporter.export(service).getBytes(StandardCharsets.UTF_8));
                    } catch (InvalidContractException e) {
                        // The contract uses what the format cannot describe: it has no such file.
                        ServerExchange.refuse(request, 404, new NotFoundException("no contract file " + file
                                + ": " + service.name() + " has no ." + exporter.extension() + " form: " + e.getMessage()));
                        return;
                    } catch (RuntimeException e) {
                        String id = UUID.randomUUID().toString();
                        log.error("{}: writing it failed (error id {})", file, id, e);
                        ServerExchange.refuse(request, 500, new InternalException(file + ": writing it failed on the"
                                + " server (error id " + id + "; the server's log has the details)"));
                        return;
                    }
                    request.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, exporter.mediaType())
                            .end(Buffer.buffer(body));
                    return;
                }
            }
        }
        ServerExchange.refuse(request, 404, new NotFoundException("no contract file " + file + " (expected: one of "
                + files() + ")"));
    }

    /** The files served, e.g. {@code [orders.avsc, orders.proto]}. */
    TreeSet<String> files() {
        TreeSet<String> files = new TreeSet<>();
        for (ContractExporter exporter : exporters) {
            services.forEach(s -> files.add(s.name() + "." + exporter.extension()));
        }
        return files;
    }
}
