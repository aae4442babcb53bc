package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.PermissionDeniedException;
import io.courier.UnauthenticatedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A 401 always names how to authenticate (RFC 9110 15.5.2): the challenge of the error's
 * {@link UnauthenticatedException#CHALLENGE} detail, else {@code Bearer}; other statuses get none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnauthenticatedChallengeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("challenging").serverInterceptor((call, next) ->
                switch (call.context().metadata().get("x-refuse").orElse("")) {
                    case "plain" -> CompletableFuture.failedFuture(new UnauthenticatedException("who are you"));
                    case "custom" -> CompletableFuture.failedFuture(new UnauthenticatedException("bad token",
                            Map.of(UnauthenticatedException.CHALLENGE, "Bearer error=\"invalid_token\"")));
                    case "forbidden" -> CompletableFuture.failedFuture(new PermissionDeniedException("not you"));
                    default -> next.proceed(call);
                }).build().serve(Shop.class, new ShopImpl());
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> get(String refuse) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/orders/5")).header("x-refuse", refuse).GET().build(),
                BodyHandlers.ofString());
    }

    @Test
    void a401WithoutAChallengeSaysBearer() throws Exception {
        HttpResponse<String> response = get("plain");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("www-authenticate")).containsExactly("Bearer");
    }

    @Test
    void a401WithAChallengeSendsIt() throws Exception {
        HttpResponse<String> response = get("custom");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("www-authenticate")).containsExactly("Bearer error=\"invalid_token\"");
    }

    @Test
    void otherStatusesHaveNoChallenge() throws Exception {
        assertThat(get("forbidden").headers().firstValue("www-authenticate")).isEmpty();
        assertThat(get("none").headers().firstValue("www-authenticate")).isEmpty();
        assertThat(get("none").statusCode()).isEqualTo(200);
    }
}
