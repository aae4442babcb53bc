package io.courier.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.test.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A console whose actions need the role {@code operator}: viewing stays open, a replay or a
 * tried call without credentials is 401 with a challenge, with bad ones 401, without the role
 * 403, and with it done.
 */
class ConsoleActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** Stands for a JwtVerifier or ApiKeys of courier-security: the same function of the call's headers. */
    private static Optional<Principal> authenticate(Metadata headers) {
        Optional<String> authorization = headers.get("authorization");
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        return switch (authorization.get()) {
            case "Bearer ops" -> Optional.of(Principal.of("ada", Set.of("operator")));
            case "Bearer viewer" -> Optional.of(Principal.of("bob", Set.of("viewer")));
            default -> throw new UnauthenticatedException("invalid token");
        };
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private ShopSystem system;

    @BeforeEach
    void start() {
        system = new ShopSystem(console -> console.actionsRequire(ConsoleActionsTest::authenticate, "operator"));
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        system.close();
    }

    @Test
    void actionsNeedTheRoleViewingDoesNot() throws Exception {
        system.client.item("poison");
        Await.until(PATIENCE, "the dead letter shown", () -> deadLetters() == 1);
        assertThat(state().path("actionsNeedToken").asBoolean()).isTrue();
        assertThat(send("/console/", "GET", null, "").statusCode()).isEqualTo(200);
        String id = state().path("deadLetters").get(0).path("id").asText();
        String replay = "/console/api/dead-letters/replay?id=" + id;

        HttpResponse<String> none = send(replay, "POST", null, "");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(send(replay, "POST", "Bearer forged", "").statusCode()).isEqualTo(401);
        HttpResponse<String> viewer = send(replay, "POST", "Bearer viewer", "");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(viewer.body()).doesNotContain("viewer").doesNotContain("operator");
        assertThat(state().path("deadLetters").size()).as("nothing replayed yet").isEqualTo(1);

        String tryBody = "{\"service\":\"stock\",\"method\":\"get\",\"path\":\"/stock/x\"}";
        assertThat(send("/console/api/try", "POST", null, tryBody).statusCode()).isEqualTo(401);
        assertThat(send("/console/api/try", "POST", "Bearer viewer", tryBody).statusCode()).isEqualTo(403);
        assertThat(send("/console/api/try", "POST", "Bearer ops", tryBody).statusCode()).isEqualTo(200);

        system.fixPoison();
        assertThat(send(replay, "POST", "Bearer ops", "").statusCode()).isEqualTo(200);
        Await.until(PATIENCE, "the replayed event handled", () -> system.handled.contains("poison"));
    }

    private int deadLetters() {
        try {
            return state().path("deadLetters").size();
        } catch (Exception e) {
            return -1;
        }
    }

    private com.fasterxml.jackson.databind.JsonNode state() throws Exception {
        return JSON.readTree(send("/console/api/state", "GET", null, "").body());
    }

    private HttpResponse<String> send(String path, String method, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(system.shop.uri().resolve(path))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (method.equals("POST") && path.contains("dead-letters")) {
            b.header("x-courier-confirm", "replay");
        }
        if (authorization != null) {
            b.header("authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
