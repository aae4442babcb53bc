package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.Post;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The null rule on the wire, from a client no Courier code wrote: an empty or {@code null} body,
 * a missing query parameter or header, and a record missing a (nested) component are answered
 * 400 with a problem body naming what is missing, the handler never runs, and the next good
 * request is answered; {@code Optional} and {@code @Nullable} values may be absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NullRuleHttpTest {
    /** Like Jakarta's: Courier honours any annotation of this simple name. */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Nullable {
    }

    public record Street(String name, @Nullable String number) {
    }

    public record Address(Street street, String city) {
    }

    public record Order(String id, Address address, List<String> items, Optional<String> coupon) {
    }

    @Service("orders")
    public interface Orders {
        @Post("/orders")
        String place(Order order);

        @Get("/orders/search")
        String search(@Query("customer") String customer, @Query("limit") Optional<Integer> limit,
                      @Query("sort") @Nullable String sort);

        @Get("/orders/mine")
        String mine(@Header("x-customer") String customer);
    }

    static final class Desk implements Orders {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String place(Order order) {
            calls.incrementAndGet();
            return order.id() + " to " + order.address().street().name() + " " + order.address().city() + ", "
                    + order.items().size() + " items, coupon " + order.coupon().orElse("none") + ", number "
                    + order.address().street().number();
        }

        @Override
        public String search(String customer, Optional<Integer> limit, String sort) {
            calls.incrementAndGet();
            return customer + " " + limit.map(String::valueOf).orElse("all") + " " + sort;
        }

        @Override
        public String mine(String customer) {
            calls.incrementAndGet();
            return customer;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "{\"id\":\"o-1\",\"address\":{\"street\":{\"name\":\"Main\"},\"city\":\"Oslo\"}}";

    private final Desk desk = new Desk();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("null-rule").build().serve(Orders.class, desk);
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/orders")).header("content-type", "application/json")
                .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    /** A 400 problem whose detail contains {@code detail}, the handler not run, then a good call answered. */
    private void assertRefused(HttpResponse<String> response, String detail) throws Exception {
        int before = desk.calls.get();
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.path("detail").asText()).contains(detail);
        assertThat(response.body()).doesNotContain("NullPointerException").doesNotContain("\tat ");
        assertThat(desk.calls).hasValue(before);

        HttpResponse<String> next = post(GOOD);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("\"o-1 to Main Oslo, 0 items, coupon none, number null\"");
        assertThat(desk.calls).hasValue(before + 1);
    }

    @Test
    void anEmptyBodyIsRefusedNamingTheParameter() throws Exception {
        assertRefused(post(""), "orders.place: body order: missing (expected: an Order;");
    }

    @Test
    void aNullBodyIsRefusedNamingTheParameter() throws Exception {
        assertRefused(post("null"), "orders.place: body order: missing (expected: an Order;");
    }

    @Test
    void aMissingComponentIsRefusedNamingIt() throws Exception {
        assertRefused(post("{\"id\":\"o-1\"}"), "body order.address: missing (expected: an Address;");
    }

    @Test
    void aNullComponentIsRefusedLikeAMissingOne() throws Exception {
        assertRefused(post("{\"id\":null,\"address\":{\"street\":{\"name\":\"Main\"},\"city\":\"Oslo\"}}"),
                "body order.id: missing (expected: a String;");
    }

    @Test
    void aMissingNestedComponentIsRefusedNamingItsPath() throws Exception {
        assertRefused(post("{\"id\":\"o-1\",\"address\":{\"street\":{},\"city\":\"Oslo\"}}"),
                "body order.address.street.name: missing (expected: a String;");
    }

    @Test
    void everyMissingComponentIsNamed() throws Exception {
        HttpResponse<String> response = post("{\"address\":{\"street\":{}}}");
        assertRefused(response, "body order.id: missing");
        assertThat(response.body()).contains("order.address.street.name: missing", "order.address.city: missing");
    }

    @Test
    void aNullElementOfAListIsRefusedNamingItsIndex() throws Exception {
        assertRefused(post("{\"id\":\"o-1\",\"address\":{\"street\":{\"name\":\"Main\"},\"city\":\"Oslo\"},"
                        + "\"items\":[\"tea\",null]}"),
                "orders.place: body order.items[1]: null (expected: a String; an element of a list is never null)");
    }

    @Test
    void aMissingQueryParameterIsRefusedNamingIt() throws Exception {
        assertRefused(get("/orders/search?limit=3"), "orders.search: query customer: missing (expected: a String;");
    }

    @Test
    void aMissingHeaderIsRefusedNamingIt() throws Exception {
        assertRefused(get("/orders/mine"), "orders.mine: header x-customer: missing (expected: a String;");
    }

    @Test
    void optionalAndNullableValuesMayBeAbsent() throws Exception {
        HttpResponse<String> search = get("/orders/search?customer=ann");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).isEqualTo("\"ann all null\"");

        HttpResponse<String> placed = post("{\"id\":\"o-2\",\"address\":{\"street\":{\"name\":\"Elm\",\"number\":null},"
                + "\"city\":\"Bergen\"},\"items\":null,\"coupon\":null}");
        assertThat(placed.statusCode()).isEqualTo(200);
        assertThat(placed.body()).isEqualTo("\"o-2 to Elm Bergen, 0 items, coupon none, number null\"");

        HttpResponse<String> mine = get("/orders/mine", "x-customer", "bo");
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(mine.body()).isEqualTo("\"bo\"");
    }
}
