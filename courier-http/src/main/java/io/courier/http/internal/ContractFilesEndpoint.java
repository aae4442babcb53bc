package io.courier.http.internal;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves {@code /contracts/<service>.<extension>}: each registered contract in every format a
 * {@link ContractExporter} on the class or module path writes ({@code .proto} with
 * courier-protobuf, {@code .avsc} with courier-avro). Rendered on first request, then kept. A
 * contract route of the same path wins.
 */
final class ContractFilesEndpoint {
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
                    } catch (RuntimeException e) {
                        text(request, 500, file + ": cannot be written: " + e.getMessage() + "\n");
                        return;
                    }
                    request.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, exporter.mediaType())
                            .end(Buffer.buffer(body));
                    return;
                }
            }
        }
        text(request, 404, "no contract file " + file + " (expected: one of " + files() + ")\n");
    }

    /** The files served, e.g. {@code [orders.avsc, orders.proto]}. */
    TreeSet<String> files() {
        TreeSet<String> files = new TreeSet<>();
        for (ContractExporter exporter : exporters) {
            services.forEach(s -> files.add(s.name() + "." + exporter.extension()));
        }
        return files;
    }

    private static void text(HttpServerRequest request, int status, String text) {
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(text);
    }
}
