package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.courier.Courier;
import io.courier.annotation.OneWay;
import io.courier.annotation.Service;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /asyncapi.json} of a service whose Messaging handles a command contract, subscribes to
 * an event, answers scatter-gather requests and publishes: valid against the official AsyncAPI
 * 3.0.0 JSON Schema (vendored under test resources from asyncapi/spec-json-schemas,
 * {@code schemas/3.0.0-without-$id.json}), and describing each use.
 */
class AsyncApiTest {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** An event. */
    public record OrderCreated(String orderId, List<String> dishes) {
    }

    /** A scatter-gather request and its reply. */
    public record QuoteRequest(String orderId) {
    }

    /** A command's argument and reply. */
    public record TicketRequest(String orderId, int items) {
    }

    /** A command's reply. */
    public record Ticket(String id, String orderId) {
    }

    /** The command contract. */
    @Service("kitchen")
    public interface Kitchen {
        Ticket createTicket(TicketRequest request);

        @OneWay
        void cancel(TicketRequest request);
    }

    /** What the service serves over REST. */
    @Service("status")
    public interface Status {
        String status();
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private InMemoryBroker broker;
    private Messaging messaging;
    private Courier courier;

    @BeforeEach
    void start() {
        broker = InMemoryBroker.create();
        messaging = Messaging.builder().name("kitchen-1").broker(broker).codec(JsonCodec.create()).build();
        messaging.handle(Kitchen.class, new Kitchen() {
            @Override
            public Ticket createTicket(TicketRequest request) {
                return new Ticket("t-1", request.orderId());
            }

            @Override
            public void cancel(TicketRequest request) {
            }
        });
        messaging.subscribe(OrderCreated.class, "kitchen", e -> { });
        messaging.respond(QuoteRequest.class, "courier-1", q -> 5);
        messaging.publish(new OrderCreated("o-1", List.of("naan")), "o-1");
        courier = Courier.builder().name("kitchen").transport(new HttpTransportFactory())
                .transport(AsyncApi.served("kitchen", messaging)).build();
        courier.serve(Status.class, () -> "cooking"); // the port opens with the first contract served
    }

    @AfterEach
    void stop() {
        http.close();
        courier.close();
        messaging.close();
        broker.close();
    }

    private JsonNode document() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(courier.uri().resolve("/asyncapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void documentIsValidAsyncApi3() throws Exception {
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0-schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
        JsonNode doc = document();
        List<Error> errors = schema.validate(doc);
        assertThat(errors).as("%s", doc.toPrettyString()).isEmpty();

        // A document that breaks the schema is caught: the validation can fail.
        ((tools.jackson.databind.node.ObjectNode) doc.get("operations").properties().iterator().next().getValue())
                .put("action", "shout");
        assertThat(schema.validate(doc)).isNotEmpty();
    }

    @Test
    void describesEachChannelUse() throws Exception {
        JsonNode doc = document();
        assertThat(doc.path("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(doc.path("info").path("title").asString()).isEqualTo("kitchen");

        JsonNode channels = doc.path("channels");
        assertThat(channels.path("OrderCreated").path("address").asString()).isEqualTo("OrderCreated");
        assertThat(channels.path("QuoteRequest").path("address").asString()).isEqualTo("QuoteRequest");
        String commandChannel = Messaging.commandChannel(Kitchen.class);
        assertThat(channels.path(commandChannel).path("messages").has("kitchen.createTicket")).isTrue();

        JsonNode ops = doc.path("operations");
        assertThat(ops.path("subscribe-handle-OrderCreated-kitchen").path("action").asString()).isEqualTo("receive");
        assertThat(ops.path("subscribe-handle-OrderCreated-kitchen").path("x-courier-group").asString()).isEqualTo("kitchen");
        assertThat(ops.path("publish-publish-OrderCreated").path("action").asString()).isEqualTo("send");
        assertThat(ops.path("respond-respond-QuoteRequest-courier-1").path("action").asString()).isEqualTo("receive");
        JsonNode create = ops.path("handle_command-kitchen.createTicket-kitchen");
        assertThat(create.path("action").asString()).isEqualTo("receive");
        assertThat(create.path("reply").path("address").path("location").asString())
                .isEqualTo("$message.header#/courier-reply-to");
        assertThat(ops.path("handle_command-kitchen.cancel-kitchen").has("reply")).as("a one-way command").isFalse();

        JsonNode messages = doc.path("components").path("messages");
        assertThat(messages.path("OrderCreated").path("payload").path("$ref").asString())
                .isEqualTo("#/components/schemas/OrderCreated");
        assertThat(messages.path("kitchen.createTicket").path("payload").path("$ref").asString())
                .isEqualTo("#/components/schemas/TicketRequest");
        assertThat(messages.path("OrderCreated").path("headers").path("properties").has("courier-partition-key")).isTrue();
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(schemas.path("OrderCreated").path("properties").path("dishes").path("type").asString())
                .isEqualTo("array");
        assertThat(schemas.path("Ticket").path("properties").has("orderId")).isTrue();
    }

    @Test
    void withoutTheRestTransportTheCourierRefusesToBuild() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Courier.builder().name("alone")
                        .transport(AsyncApi.served("alone", messaging)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("asyncapi: no courier-http transport to serve on");
    }

    @Test
    void aCatalogThatFailsGivesAProblemWithoutItsCause() throws Exception {
        try (Courier failing = Courier.builder().name("broken").transport(new HttpTransportFactory())
                .transport(AsyncApi.served("broken", () -> {
                    throw new IllegalStateException("secret table orders_v2 at db-7:5432");
                })).build()) {
            failing.serve(Status.class, () -> "up");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(failing.uri().resolve("/asyncapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
            JsonNode problem = JSON.readTree(r.body());
            assertThat(problem.path("status").asInt()).isEqualTo(500);
            assertThat(problem.path("detail").asString()).contains("AsyncAPI description of broken");
            assertThat(r.body()).doesNotContain("secret").doesNotContain("db-7").doesNotContain("IllegalStateException");
        }
    }
}
