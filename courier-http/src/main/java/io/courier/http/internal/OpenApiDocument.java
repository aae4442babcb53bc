package io.courier.http.internal;

import static io.courier.http.internal.JsonSchemas.map;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 description of the REST routes of some contracts, as a JSON tree of maps and
 * lists: one operation per method REST carries (not those streaming their requests), its path,
 * query and header parameters, its body and result schemas, and the problem+json error answers.
 * Names are the contract's own: paths as declared, {@code operationId} the method's full name,
 * schemas the records' names.
 */
final class OpenApiDocument {
    private static final String PROBLEM_REF = "#/components/responses/Problem";

    private OpenApiDocument() {
    }

    static Map<String, Object> of(String title, List<ServiceDescriptor> services, List<String> mediaTypes) {
        JsonSchemas schemas = new JsonSchemas();
        Map<String, Object> paths = new TreeMap<>();
        List<Object> tags = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            tags.add(map("name", service.name()));
            for (MethodDescriptor method : service.methods()) {
                if (method.streaming().requests()) {
                    continue; // answered 501 over REST
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(method.path().template(),
                        p -> new java.util.LinkedHashMap<String, Object>());
                item.put(method.httpMethod().name().toLowerCase(Locale.ROOT), operation(service, method, schemas,
                        mediaTypes));
            }
        }
        Map<String, Object> components = map("schemas", schemas.components(), "responses", map("Problem",
                map("description", "An error, as RFC 9457 problem details with Courier's status code",
                        "content", map(Problem.MEDIA_TYPE, map("schema", map("$ref", "#/components/schemas/Problem"))))));
        schemas.components().put("Problem", problemSchema());
        return map("openapi", "3.1.0", "info", map("title", title, "version", "unversioned"),
                "tags", tags, "paths", paths, "components", components);
    }

    private static Map<String, Object> operation(ServiceDescriptor service, MethodDescriptor method, JsonSchemas schemas,
                                                 List<String> mediaTypes) {
        Map<String, Object> op = map("operationId", method.fullName(), "tags", List.of(service.name()));
        List<Object> parameters = new ArrayList<>();
        for (ParameterDescriptor p : method.parameters()) {
            if (p.kind() == ParameterDescriptor.Kind.BODY) {
                op.put("requestBody", map("required", p.required(), "content", content(schemas.of(p.type()), mediaTypes)));
            } else {
                boolean path = p.kind() == ParameterDescriptor.Kind.PATH;
                parameters.add(map("name", p.name(), "in", p.kind().name().toLowerCase(Locale.ROOT),
                        "required", path || p.required(), "schema", schemas.of(p.type())));
            }
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        Map<String, Object> responses = new java.util.LinkedHashMap<>();
        if (method.oneWay()) {
            responses.put("202", map("description", "Accepted; the handler runs after the answer"));
        } else if (method.returnsVoid()) {
            responses.put("204", map("description", "Done"));
        } else if (method.streaming().responses()) {
            responses.put("200", map("description", "Server-Sent Events: one data event per element, in JSON, "
                    + "each matching " + schemaName(schemas.of(method.resultType())) + "; a failure after the first "
                    + "is a last event named error holding the problem", "content",
                    map(EventStream.MEDIA_TYPE, map("schema", map("type", "string")))));
        } else {
            responses.put("200", map("description", "The result", "content",
                    content(schemas.of(method.resultType()), mediaTypes)));
        }
        if (!method.parameters().isEmpty()) {
            responses.put("400", map("$ref", PROBLEM_REF));
        }
        responses.put("default", map("$ref", PROBLEM_REF));
        op.put("responses", responses);
        return op;
    }

    /** The schema for JSON; the other formats are listed with the same shape. */
    private static Map<String, Object> content(Map<String, Object> schema, List<String> mediaTypes) {
        Map<String, Object> content = new java.util.LinkedHashMap<>();
        content.put("application/json", map("schema", schema));
        for (String type : mediaTypes) {
            content.putIfAbsent(type, map());
        }
        return content;
    }

    private static String schemaName(Map<String, Object> schema) {
        Object ref = schema.get("$ref");
        return ref != null ? ref.toString() : String.valueOf(schema.getOrDefault("type", "any JSON"));
    }

    private static Map<String, Object> problemSchema() {
        return map("type", "object", "properties", map(
                        "type", map("type", "string", "format", "uri-reference"),
                        "title", map("type", "string"),
                        "status", map("type", "integer", "format", "int32"),
                        "detail", map("type", "string"),
                        "code", map("type", "string"),
                        "retrySafe", map("type", "boolean"),
                        "details", map("type", "object", "additionalProperties", map("type", "string"))),
                "required", List.of("type", "title", "status", "code"));
    }
}
