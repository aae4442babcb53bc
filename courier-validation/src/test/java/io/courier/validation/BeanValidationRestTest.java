package io.courier.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Constraints over REST, from {@link java.net.http.HttpClient}: a violation is 400 with a problem
 * body naming the property path and the constraint's message, the handler does not run, and a
 * valid request is answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BeanValidationRestTest {
    private final Catalog.Desk desk = new Catalog.Desk();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("validated").serverInterceptor(BeanValidation.interceptor()).build()
                .serve(Catalog.class, desk);
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> place(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/orders")).header("content-type", "application/json")
                .POST(BodyPublishers.ofString(json)).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> recent(String limit) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/orders/recent?limit=" + limit)).GET().build(),
                BodyHandlers.ofString());
    }

    private void assertRefused(HttpResponse<String> response, String... details) throws Exception {
        int before = desk.calls.get();
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"INVALID_ARGUMENT\"").contains(details);
        assertThat(desk.calls).hasValue(before);
        HttpResponse<String> next = place("{\"customer\":\"ann\",\"lines\":[{\"sku\":\"tea\",\"quantity\":1}]}");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("\"ann: 1 lines\"");
    }

    @Test
    void aViolatedConstraintInANestedRecordIsNamedByItsPath() throws Exception {
        assertRefused(place("{\"customer\":\"ann\",\"lines\":[{\"sku\":\"tea\",\"quantity\":1},"
                        + "{\"sku\":\"cake\",\"quantity\":0}]}"),
                "catalog.place: body order.lines[1].quantity: must be greater than 0 (@Positive)");
    }

    @Test
    void everyViolationIsNamedWithItsInterpolatedMessage() throws Exception {
        HttpResponse<String> response = place("{\"customer\":\" \",\"lines\":[]}");
        assertRefused(response, "body order.customer: must not be blank (@NotBlank)",
                "body order.lines: size must be between 1 and 3 (@Size)");
        assertThat(response.body()).contains("\"body order.lines\":\"size must be between 1 and 3\"");
    }

    @Test
    void aViolatedParameterConstraintIsNamedByTheQueryParameter() throws Exception {
        assertRefused(recent("0"), "catalog.recent: query limit: must be greater than 0 (@Positive)");
        assertRefused(recent("101"), "query limit: must be less than or equal to 100 (@Max)");
        assertThat(recent("20").body()).isEqualTo("\"last 20\"");
    }
}
