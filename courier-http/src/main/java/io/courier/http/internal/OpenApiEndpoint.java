package io.courier.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.courier.contract.ServiceDescriptor;
import io.courier.spi.TransportContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves the OpenAPI description of the registered contracts at {@code /openapi.json} and
 * {@code /openapi.yaml}, rendered once per set of contracts. A contract route of the same path
 * wins.
 */
public final class OpenApiEndpoint {
    static final String JSON_PATH = "/openapi.json";
    static final String YAML_PATH = "/openapi.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

    private final TransportContext context;
    private final List<ServiceDescriptor> services = new CopyOnWriteArrayList<>();
    private volatile Rendered rendered;

    private record Rendered(int services, byte[] json, byte[] yaml) {
    }

    OpenApiEndpoint(TransportContext context) {
        this.context = context;
    }

    void register(ServiceDescriptor service) {
        services.add(service);
    }

    /** Whether {@code request} asks for the description. */
    static boolean asks(HttpServerRequest request) {
        String path = request.path();
        return (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
                && (JSON_PATH.equals(path) || YAML_PATH.equals(path));
    }

    void answer(HttpServerRequest request) {
        Rendered r;
        try {
            r = render();
        } catch (RuntimeException e) { // a contract OpenAPI cannot name, e.g. two records of one name
            request.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end(request.path() + ": cannot be written: " + e.getMessage() + "\n");
            return;
        }
        boolean yaml = YAML_PATH.equals(request.path());
        request.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, yaml ? "application/yaml" : "application/json")
                .end(Buffer.buffer(yaml ? r.yaml : r.json));
    }

    /** The description as JSON. */
    byte[] json() {
        return render().json;
    }

    /** The description of {@code services} as JSON text, for {@code io.courier.http.OpenApi}. */
    public static String json(String title, List<ServiceDescriptor> services, List<String> mediaTypes) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(OpenApiDocument.of(title, services,
                    mediaTypes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("OpenAPI document of " + services + " cannot be written: " + e.getMessage(), e);
        }
    }

    private Rendered render() {
        List<ServiceDescriptor> now = List.copyOf(services);
        Rendered r = rendered;
        if (r != null && r.services == now.size()) {
            return r;
        }
        Object document = OpenApiDocument.of(context.name(), now, context.codecs().mediaTypes());
        try {
            r = new Rendered(now.size(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document),
                    YAML.writeValueAsBytes(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("OpenAPI document of " + now + " cannot be written: " + e.getMessage(), e);
        }
        rendered = r;
        return r;
    }
}
