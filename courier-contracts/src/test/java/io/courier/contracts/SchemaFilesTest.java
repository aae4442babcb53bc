package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ContractFiles} on hand-written OpenAPI (JSON against YAML), AsyncAPI and Avro pairs, and on malformed ones. */
class SchemaFilesTest {
    @TempDir
    Path dir;

    private static final String OPENAPI_V1 = """
            {"openapi": "3.1.0", "info": {"title": "orders", "version": "1"},
             "paths": {
               "/orders/{id}": {
                 "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                 "get": {"parameters": [{"name": "view", "in": "query", "schema": {"type": "string"}}],
                         "responses": {"200": {"content": {"application/json":
                             {"schema": {"$ref": "#/components/schemas/Order"}}}}}},
                 "delete": {"responses": {"204": {"description": "gone"}}}},
               "/orders": {
                 "post": {"requestBody": {"required": true, "content": {"application/json":
                             {"schema": {"$ref": "#/components/schemas/Order"}}}},
                          "responses": {"200": {"content": {"application/json":
                             {"schema": {"$ref": "#/components/schemas/Order"}}}}}}}},
             "components": {"schemas": {"Order": {"type": "object", "required": ["id"], "properties": {
               "id": {"type": "string"},
               "quantity": {"type": "integer", "format": "int32"},
               "status": {"type": "string", "enum": ["NEW", "PAID"]},
               "note": {"type": "string"}}}}}}
            """;
    private static final String OPENAPI_V2 = """
            openapi: 3.1.0
            info: {title: orders, version: "2"}
            paths:
              /orders/{orderId}:
                parameters:
                  - {name: orderId, in: path, required: true, schema: {type: string}}
                get:
                  parameters:
                    - {name: view, in: query, required: true, schema: {type: string}}
                    - {name: tenant, in: header, required: true, schema: {type: string}}
                  responses:
                    "200":
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Order"}
              /orders:
                post:
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Order"}
                  responses:
                    "200":
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Order"}
            components:
              schemas:
                Order:
                  type: object
                  required: [id, currency]
                  properties:
                    id: {type: string}
                    quantity: {type: integer, format: int64}
                    status: {type: string, enum: [NEW, PAID, SHIPPED]}
                    currency: {type: string}
            """;

    @Test
    void openApiOperationsParametersAndSchemasPerFlow() throws IOException {
        Path a = write("v1/orders.openapi.json", OPENAPI_V1);
        Path b = write("v2/orders.openapi.yaml", OPENAPI_V2);

        assertThat(Lines.of(ContractFiles.compare(a, b))).containsExactly(
                "openapi: GET /orders/{orderId} parameter query 'view' | FIELD_REQUIRED_CHANGED | JSON: old->new",
                "openapi: GET /orders/{orderId} parameter header 'tenant' | PARAMETER_ADDED | JSON: old->new",
                "openapi: GET /orders/{orderId} response 200 > Order property 'quantity' | TYPE_CHANGED | JSON: old->new",
                "openapi: GET /orders/{orderId} response 200 > Order property 'status' enum value SHIPPED"
                        + " | ENUM_CONSTANT_ADDED | JSON: old->new",
                "openapi: GET /orders/{orderId} response 200 > Order property 'note' | FIELD_REMOVED | compatible",
                "openapi: GET /orders/{orderId} response 200 > Order property 'currency' | FIELD_ADDED | JSON: new->old",
                "openapi: DELETE /orders/{id} | METHOD_REMOVED | JSON: old->new",
                "openapi: POST /orders request > Order property 'quantity' | TYPE_CHANGED | JSON: new->old",
                "openapi: POST /orders request > Order property 'status' enum value SHIPPED | ENUM_CONSTANT_ADDED"
                        + " | JSON: new->old",
                "openapi: POST /orders request > Order property 'note' | FIELD_REMOVED | compatible",
                "openapi: POST /orders request > Order property 'currency' | FIELD_ADDED | JSON: old->new",
                "openapi: POST /orders response 200 > Order property 'quantity' | TYPE_CHANGED | JSON: old->new",
                "openapi: POST /orders response 200 > Order property 'status' enum value SHIPPED"
                        + " | ENUM_CONSTANT_ADDED | JSON: old->new",
                "openapi: POST /orders response 200 > Order property 'note' | FIELD_REMOVED | compatible",
                "openapi: POST /orders response 200 > Order property 'currency' | FIELD_ADDED | JSON: new->old");
        assertThat(ContractFiles.compare(a, b).get(2).description())
                .isEqualTo("type integer (int32) -> integer (int64): only the wider reader reads the other's value");
    }

    @Test
    void asyncApiChannelsMessagesAndPayloadsPerAction() throws IOException {
        String v1 = """
                {"asyncapi": "3.0.0", "info": {"title": "kitchen", "version": "1"},
                 "channels": {
                   "tickets": {"address": "tickets", "messages": {"Ticket": {"$ref": "#/components/messages/Ticket"}}},
                   "audit": {"address": "audit", "messages": {"Audit": {"payload": {"type": "string"}}}}},
                 "operations": {
                   "handle": {"action": "receive", "channel": {"$ref": "#/channels/tickets"},
                              "messages": [{"$ref": "#/channels/tickets/messages/Ticket"}]}},
                 "components": {"messages": {"Ticket": {"payload": {"type": "object", "properties": {
                   "id": {"type": "string"}, "count": {"type": "integer"}}}}}}}
                """;
        String v2 = v1.replace("\"count\": {\"type\": \"integer\"}", "\"count\": {\"type\": \"number\"}")
                .replace("""
                        ,
                           "audit": {"address": "audit", "messages": {"Audit": {"payload": {"type": "string"}}}}""", "");
        Path a = write("v1/kitchen.asyncapi.json", v1);
        Path b = write("v2/kitchen.asyncapi.json", v2);

        // Tickets are received: written by clients, so a wider reader on the server reads old ones.
        assertThat(Lines.of(ContractFiles.compare(a, b))).containsExactly(
                "asyncapi: channel tickets message Ticket payload property 'count' | TYPE_CHANGED | JSON: new->old",
                "asyncapi: channel audit | METHOD_REMOVED | JSON: old->new");
        assertThat(Lines.of(ContractFiles.compare(b, a))).containsExactly(
                "asyncapi: channel tickets message Ticket payload property 'count' | TYPE_CHANGED | JSON: old->new",
                "asyncapi: channel audit | METHOD_ADDED | compatible");
    }

    @Test
    void avroByAvrosOwnResolution() throws IOException {
        Path a = write("v1/orders.avsc", """
                {"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "quantity", "type": "int"},
                  {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
                  {"name": "note", "type": ["null", "string"], "default": null}]}
                """);
        Path b = write("v2/orders.avsc", """
                {"type": "record", "name": "Order", "namespace": "com.acme", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "quantity", "type": "long"},
                  {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW"]}},
                  {"name": "comment", "type": ["null", "string"], "default": null, "aliases": ["note"]},
                  {"name": "currency", "type": "string"}]}
                """);

        assertThat(Lines.of(ContractFiles.compare(a, b))).containsExactly(
                "avro: record com.acme.Order field 'quantity' | TYPE_CHANGED | Avro: old->new, new->old",
                "avro: record com.acme.Order field 'status' > Status symbol PAID | ENUM_CONSTANT_REMOVED"
                        + " | Avro: old->new, new->old",
                "avro: record com.acme.Order field 'note' | FIELD_RENAMED | compatible",
                "avro: record com.acme.Order field 'currency' | FIELD_ADDED | Avro: old->new, new->old");
        assertThat(ContractFiles.compare(a, b).get(0).description())
                .isEqualTo("type int -> long: only the new reader resolves the other's (Avro's promotions)");
        // An optional field added with a default resolves both ways: Avro agrees, nothing breaks.
        Path c = write("v3/orders.avsc", Files.readString(a).replace("\"default\": null}]}",
                "\"default\": null},\n  {\"name\": \"gift\", \"type\": [\"null\", \"string\"], \"default\": null}]}"));
        assertThat(Lines.of(ContractFiles.compare(a, c)))
                .containsExactly("avro: record com.acme.Order field 'gift' | FIELD_ADDED | compatible");
    }

    @Test
    void malformedAndMismatchedFilesAreRefusedClearly() throws IOException {
        Path good = write("v1/orders.openapi.json", OPENAPI_V1);
        Path broken = write("v2/orders.openapi.json", "{\"openapi\": \"3.1.0\",\n  \"paths\": {\n}");
        assertThatThrownBy(() -> ContractFiles.compare(good, broken)).isInstanceOf(UnreadableContractException.class)
                .hasMessageStartingWith(broken + ":3:2: Unexpected end-of-input");

        Path neither = write("v2/other.json", "{\"swagger\": \"2.0\"}");
        assertThatThrownBy(() -> ContractFiles.compare(good, neither))
                .hasMessage(neither + ": neither OpenAPI nor AsyncAPI (expected: a document with an openapi or"
                        + " asyncapi member)");

        Path asyncApi2 = write("v2/old.asyncapi.json", "{\"asyncapi\": \"2.6.0\", \"channels\": {}}");
        assertThatThrownBy(() -> ContractFiles.compare(asyncApi2, asyncApi2))
                .hasMessage(asyncApi2 + ": asyncapi \"2.6.0\" (expected: 3.x)");

        Path avro = write("v2/orders.avsc", "{\"type\": \"record\", \"name\": \"Order\"}");
        assertThatThrownBy(() -> ContractFiles.compare(avro, avro)).isInstanceOf(UnreadableContractException.class)
                .hasMessageStartingWith(avro + ": not an Avro schema: ");

        Path proto = write("v2/orders.proto", "syntax = \"proto3\";\n");
        assertThatThrownBy(() -> ContractFiles.compare(good, proto))
                .hasMessage(proto + ": a proto file, but " + good + " is a openapi file (expected: two files of one"
                        + " kind)");

        assertThatThrownBy(() -> ContractFiles.compare(good, dir.resolve("none.json")))
                .hasMessage(dir.resolve("none.json") + ": no such file or directory");
    }

    @Test
    void directoriesPairFilesByNameAndNoticeRemovedOnes() throws IOException {
        write("a/orders.openapi.json", OPENAPI_V1);
        write("a/orders.avsc", "{\"type\": \"enum\", \"name\": \"Status\", \"symbols\": [\"NEW\"]}");
        write("b/orders.openapi.json", OPENAPI_V1);
        write("b/kitchen.avsc", "{\"type\": \"enum\", \"name\": \"Status\", \"symbols\": [\"NEW\"]}");

        assertThat(Lines.of(ContractFiles.compare(dir.resolve("a"), dir.resolve("b")))).containsExactly(
                "orders.avsc | FILE_REMOVED | Avro: old->new",
                "kitchen.avsc | FILE_ADDED | compatible");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }
}
