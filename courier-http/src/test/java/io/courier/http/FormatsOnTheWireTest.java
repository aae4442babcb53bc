package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.avro.AvroCodec;
import io.courier.json.JsonCodec;
import io.courier.protobuf.ProtobufCodec;
import io.courier.spi.Codec;
import io.courier.test.conformance.ConformanceServer;
import io.courier.test.conformance.ConformanceService;
import io.courier.test.conformance.Payload;
import io.courier.xml.XmlCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One REST endpoint of the conformance contract, called by a client no Courier code wrote
 * ({@link HttpClient}), in JSON, XML, Protobuf and Avro: the body's format chosen by
 * {@code Content-Type}, the answer's by {@code Accept} with q-values and wildcards; 406 and 415
 * naming what the server has; malformed bodies in each format refused with 400 naming the
 * problem; XML external entities and entity expansion refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FormatsOnTheWireTest {
    private static final Map<String, Codec> CODECS = Map.of(
            "application/json", JsonCodec.create(),
            "application/xml", XmlCodec.create(),
            "application/x-protobuf", ProtobufCodec.create(),
            "application/avro", AvroCodec.create());
    private static final JsonCodec JSON = JsonCodec.create();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI echo;

    @BeforeAll
    void start() {
        server = Courier.builder().name("formats-server").build().serve(ConformanceService.class, new ConformanceServer());
        echo = server.uri().resolve("/echo");
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    @Test
    void everyFormatInIsAnsweredInEveryFormatAsked() throws Exception {
        Payload sent = Payload.sample(6);
        for (String in : CODECS.keySet()) {
            for (String out : CODECS.keySet()) {
                Codec writer = CODECS.get(in);
                HttpResponse<byte[]> response = post(writer.contentType(Payload.class), out,
                        writer.encode(sent, Payload.class));

                assertThat(response.statusCode()).as("%s -> %s: %s", in, out, text(response)).isEqualTo(200);
                String contentType = response.headers().firstValue("content-type").orElseThrow();
                assertThat(contentType).as("%s -> %s", in, out).startsWith(out);
                assertThat(response.headers().firstValue("vary")).hasValue("accept");
                assertThat(CODECS.get(out).decode(response.body(), Payload.class, contentType)).as("%s -> %s", in, out)
                        .isEqualTo(sent);
            }
        }
    }

    @Test
    void avroBodiesNameTheirWriterSchema() throws Exception {
        HttpResponse<byte[]> response = post("application/json", "application/avro",
                JSON.encode(Payload.sample(1), Payload.class));

        assertThat(response.headers().firstValue("content-type"))
                .hasValue(AvroCodec.create().contentType(Payload.class))
                .get().asString().matches("application/avro; fingerprint=[0-9a-f]{16}");
    }

    @Test
    void acceptIsNegotiatedByQualityAndSpecificity() throws Exception {
        byte[] json = JSON.encode(Payload.sample(2), Payload.class);
        Map<String, String> expected = Map.of(
                "application/xml;q=0.5, application/avro;q=0.9", "application/avro",
                "*/*", "application/json",
                "application/*;q=0.3, application/json;q=0", "application/xml",
                "application/x-protobuf, application/xml", "application/x-protobuf",
                "text/html, application/*;q=0.1, application/xml;q=0.2", "application/xml",
                "application/avro, application/problem+json", "application/avro");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            HttpResponse<byte[]> response = post("application/json", e.getKey(), json);

            assertThat(response.headers().firstValue("content-type")).as("Accept: %s", e.getKey())
                    .get().asString().startsWith(e.getValue());
        }
        assertThat(send(HttpRequest.newBuilder(echo).header("content-type", "application/json")
                .POST(BodyPublishers.ofByteArray(json))).headers().firstValue("content-type"))
                .as("no Accept: JSON").hasValue("application/json");
    }

    @Test
    void nothingAcceptableIs406ListingWhatTheServerWrites() throws Exception {
        for (String accept : List.of("text/html", "application/json;q=0, application/xml;q=0, application/avro;q=0,"
                + " application/x-protobuf;q=0", "application/problem+json")) {
            HttpResponse<byte[]> response = post("application/json", accept, JSON.encode(Payload.sample(3), Payload.class));

            Map<String, Object> problem = problem(response, 406);
            assertThat((String) problem.get("detail")).as("Accept: %s", accept)
                    .endsWith("(expected: one of [application/json, application/xml, application/x-protobuf,"
                            + " application/avro], or */*)");
        }
    }

    @Test
    void anUnknownContentTypeIs415ListingWhatTheServerReads() throws Exception {
        HttpResponse<byte[]> response = post("application/yaml", "application/json", "text: x".getBytes());

        assertThat(problem(response, 415).get("detail")).isEqualTo("content-type: \"application/yaml\" (expected: one of"
                + " [application/json, application/xml, application/x-protobuf, application/avro])");
    }

    @Test
    void malformedBodiesAre400NamingTheProblem() throws Exception {
        Map<String, byte[]> bad = Map.of(
                "application/xml", "<Payload><text>unclosed</Payload>".getBytes(StandardCharsets.UTF_8),
                "application/x-protobuf", new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'x'},
                "application/avro", new byte[] {0x02, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
        Map<String, String> named = Map.of(
                "application/xml", "body: malformed XML at line 1, column ",
                "application/x-protobuf", "protobuf body: Payload.text (field 1): the input ends inside a field",
                "application/avro", "body: $.text: declared length 1073741823 with 0 bytes left");
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            HttpResponse<byte[]> response = post(e.getKey(), "application/json", e.getValue());

            assertThat((String) problem(response, 400).get("detail")).as(e.getKey()).startsWith(named.get(e.getKey()));
        }
    }

    @Test
    void anUnknownAvroWriterSchemaIs400NamingItsFingerprint() throws Exception {
        byte[] avro = AvroCodec.create().encode(Payload.sample(4), Payload.class);

        HttpResponse<byte[]> response = post("application/avro; fingerprint=0123456789abcdef", "application/json", avro);

        assertThat((String) problem(response, 400).get("detail"))
                .startsWith("content-type: fingerprint=0123456789abcdef: unknown writer schema");
    }

    @Test
    void xmlExternalEntitiesAndEntityExpansionAreRefused() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Payload [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Payload><text>&xxe;</text></Payload>";
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE Payload [<!ENTITY a \"aaaaaaaaaa\">"
                + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                + "<Payload><text>&c;</text></Payload>";
        for (String hostile : List.of(xxe, laughs)) {
            HttpResponse<byte[]> response = post("application/xml", "application/json",
                    hostile.getBytes(StandardCharsets.UTF_8));

            Map<String, Object> problem = problem(response, 400);
            assertThat((String) problem.get("detail")).startsWith("body: a DOCTYPE declaration (expected: XML without a DTD");
            assertThat(text(response)).doesNotContain("root:").doesNotContain("aaaaaaaaaaaaaaaaaaaa");
        }
    }

    private HttpResponse<byte[]> post(String contentType, String accept, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(echo).header("content-type", contentType).header("accept", accept)
                .POST(BodyPublishers.ofByteArray(body)));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> problem(HttpResponse<byte[]> response, int status) {
        assertThat(response.statusCode()).as("status of %s", text(response)).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        Map<String, Object> problem = (Map<String, Object>) JSON.decode(response.body(), Map.class);
        assertThat(problem).containsEntry("status", status).containsEntry("code", "INVALID_ARGUMENT");
        return problem;
    }
}
