package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3.1 description a running server publishes: valid against the official OAS 3.1
 * schema (checked by networknt's JSON Schema validator, with the schema committed under test
 * resources), describing the routes, parameters, bodies and errors the server really answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
    /** A record holding itself and an enum, and a server-streaming method. */
    @Service("tree")
    public interface Tree {
        /** A node; public, as the dispatcher invokes the contract by reflection. */
        record Node(String name, List<Node> children, Kind kind) {
        }

        /** What a node is. */
        enum Kind { LEAF, BRANCH }

        @Get("/nodes/{name}")
        Node node(@Path("name") String name);

        @Get("/nodes/{name}/walk")
        Stream<Node> walk(@Path("name") String name);
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private Schema oas;

    @BeforeAll
    void start() throws Exception {
        server = Courier.builder().name("shop-and-tree").build().serve(Shop.class, new ShopImpl()).serve(Tree.class,
                new Tree() {
                    @Override
                    public Node node(String name) {
                        return new Node(name, List.of(), Kind.LEAF);
                    }

                    @Override
                    public Stream<Node> walk(String name) {
                        return Stream.of(node(name));
                    }
                });
        try (InputStream in = getClass().getResourceAsStream("/openapi/oas-3.1-schema-2022-10-07.json")) {
            oas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> get(Courier from, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(from.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode document() throws Exception {
        HttpResponse<String> r = get(server, "/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void theDocumentIsValidOpenApi31() throws Exception {
        JsonNode doc = document();

        List<Error> errors = oas.validate(doc);

        assertThat(errors).as("OAS 3.1 schema violations").isEmpty();
        assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
    }

    @Test
    void theValidatorRefusesABrokenDocument() throws Exception {
        ObjectNode doc = (ObjectNode) document();
        doc.remove("info");
        ((ObjectNode) doc.get("paths").get("/orders/{id}").get("get")).put("parameters", "not a list");

        assertThat(oas.validate(doc)).extracting(Error::getMessage).anyMatch(m -> m.contains("info"))
                .anyMatch(m -> m.contains("parameters") || m.contains("array"));
    }

    @Test
    void routesParametersBodiesAndErrorsAreTheContractsOwn() throws Exception {
        JsonNode doc = document();
        JsonNode paths = doc.get("paths");

        JsonNode get = paths.get("/orders/{id}").get("get");
        assertThat(get.get("operationId").asString()).isEqualTo("shop.get");
        assertThat(get.get("parameters").get(0).toString())
                .isEqualTo("{\"name\":\"id\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"integer\",\"format\":\"int64\"}}");
        assertThat(get.get("responses").get("200").get("content").get("application/json").get("schema").get("$ref")
                .asString()).isEqualTo("#/components/schemas/Order");
        assertThat(get.get("responses").get("default").get("$ref").asString()).isEqualTo("#/components/responses/Problem");

        JsonNode recent = paths.get("/orders/recent").get("get").get("parameters");
        assertThat(recent.toString()).contains("{\"name\":\"limit\",\"in\":\"query\",\"required\":false",
                "{\"name\":\"sku\",\"in\":\"query\"", "\"type\":\"array\"", "{\"name\":\"after\",\"in\":\"query\",\"required\":false");
        JsonNode place = paths.get("/orders").get("post");
        assertThat(place.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asString())
                .isEqualTo("#/components/schemas/Order");
        assertThat(place.get("requestBody").get("content").has("application/xml")).isTrue();
        assertThat(paths.get("/orders/{id}/note").get("put").get("parameters").toString())
                .contains("{\"name\":\"x-note-author\",\"in\":\"header\",\"required\":true");
        assertThat(paths.get("/orders/{id}/note").get("put").get("responses").has("204")).isTrue();
        assertThat(paths.get("/events").get("post").get("responses").has("202")).isTrue();
        assertThat(paths.get("/nodes/{name}/walk").get("get").get("responses").get("200").get("content")
                .has("text/event-stream")).isTrue();

        JsonNode schemas = doc.get("components").get("schemas");
        assertThat(names(schemas)).containsExactlyInAnyOrder("Order", "Item", "Node", "Problem");
        assertThat(schemas.get("Order").get("properties").get("items").toString())
                .isEqualTo("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Item\"}}");
        assertThat(schemas.get("Node").get("properties").get("children").get("items").get("$ref").asString())
                .isEqualTo("#/components/schemas/Node");
        assertThat(schemas.get("Node").get("properties").get("kind").toString())
                .isEqualTo("{\"type\":\"string\",\"enum\":[\"LEAF\",\"BRANCH\"]}");
        assertThat(doc.get("components").get("responses").get("Problem").get("content").has("application/problem+json"))
                .isTrue();
    }

    @Test
    void everyDescribedOperationIsARouteTheServerAnswers() throws Exception {
        JsonNode paths = document().get("paths");
        List<String> checked = new ArrayList<>();

        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String concrete = path.getKey().replaceAll("\\{[^}]+}", "1");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(concrete))
                        .method(op.getKey().toUpperCase(java.util.Locale.ROOT), HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
                // The handler may answer 404 itself (an unknown order); the router's 404 says no route matched.
                assertThat(r.statusCode()).as(op.getKey() + " " + concrete + ": " + r.body()).isNotIn(405, 501);
                assertThat(r.body()).as(op.getKey() + " " + concrete).doesNotContain("expected: a route this server serves");
                checked.add(op.getKey() + " " + path.getKey());
            }
        }

        assertThat(checked).hasSize(ShopRoutes.COUNT + 2);
    }

    @Test
    void yamlSaysTheSame() throws Exception {
        HttpResponse<String> yaml = get(server, "/openapi.yaml");

        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("content-type")).hasValue("application/yaml");
        JsonNode fromYaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml.body()) instanceof
                com.fasterxml.jackson.databind.JsonNode y ? JSON.readTree(y.toString()) : null;
        assertThat(fromYaml).isEqualTo(document());
    }

    @Test
    void itCanBeTurnedOff() throws Exception {
        try (Courier quiet = Courier.builder().name("quiet").transport(HttpTransportFactory.builder().openApi(false).build())
                .build().serve(Shop.class, new ShopImpl())) {
            assertThat(get(quiet, "/openapi.json").statusCode()).isEqualTo(404);
            assertThat(get(quiet, "/openapi.yaml").statusCode()).isEqualTo(404);
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }

    /** How many REST operations {@link Shop} has: one per method. */
    private static final class ShopRoutes {
        static final int COUNT = io.courier.contract.ServiceDescriptor.of(Shop.class).methods().size();
    }
}
