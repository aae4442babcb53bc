package io.courier.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A console whose viewing needs the role {@code viewer}: the page answers a sign-in page (401
 * with a challenge) without credentials, the state, the event stream and the contracts answer
 * 401 without or with bad credentials and 403 without the role, and all answer with it, from the
 * {@code Authorization} header or from the sign-in page's cookie. Actions need view credentials
 * in a header (the cookie is not enough), then the action role when there is one.
 */
class ConsoleViewAccessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final List<String> VIEWS = List.of("/console/api/state", "/console/api/events",
            "/console/api/contract?service=stock");

    /** Stands for a JwtVerifier or ApiKeys of courier-security: the same function of the call's headers. */
    private static Optional<Principal> authenticate(Metadata headers) {
        Optional<String> authorization = headers.get("authorization");
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        return switch (authorization.get()) {
            case "Bearer ops" -> Optional.of(Principal.of("ada", Set.of("viewer", "operator")));
            case "Bearer viewer" -> Optional.of(Principal.of("bob", Set.of("viewer")));
            case "Bearer guest" -> Optional.of(Principal.of("eve", Set.of()));
            default -> throw new UnauthenticatedException("invalid token");
        };
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private ShopSystem system;

    private void start(Consumer<Console.Builder> settings) {
        system = new ShopSystem(settings);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        if (system != null) {
            system.close();
        }
    }

    @Test
    void viewingNeedsTheRoleFromTheHeaderOrTheSignInCookie() throws Exception {
        start(c -> c.viewRequires(ConsoleViewAccessTest::authenticate, "viewer"));

        HttpResponse<String> page = send("/console/", "GET", null, null);
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("id=\"sign-in\"", "needs a token", "courier-console-token=")
                .doesNotContain("EventSource");
        HttpResponse<String> guestPage = send("/console/", "GET", "Bearer guest", null);
        assertThat(guestPage.statusCode()).isEqualTo(403);
        assertThat(guestPage.body()).contains("may not view").doesNotContain("EventSource");
        assertThat(send("/console/", "GET", "Bearer viewer", null).body()).contains("new EventSource(\"api/events\")");
        assertThat(send("/console/", "GET", null, "viewer").body()).contains("new EventSource(\"api/events\")");
        assertThat(send("/console", "GET", null, null).statusCode()).as("the redirect shows nothing").isEqualTo(308);

        for (String view : VIEWS) {
            HttpResponse<String> none = send(view, "GET", null, null);
            assertThat(none.statusCode()).as(view).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).as(view).hasValue("Bearer");
            assertThat(JSON.readTree(none.body()).path("error").asText()).as(view).contains("needs credentials");
            assertThat(send(view, "GET", "Bearer forged", null).statusCode()).as(view).isEqualTo(401);
            assertThat(send(view, "GET", null, "forged").statusCode()).as(view).isEqualTo(401);
            HttpResponse<String> guest = send(view, "GET", "Bearer guest", null);
            assertThat(guest.statusCode()).as(view).isEqualTo(403);
            assertThat(guest.body()).as(view).doesNotContain("viewer").doesNotContain("stock-1");
            assertThat(send(view, "GET", null, "guest").statusCode()).as(view).isEqualTo(403);
        }

        Await.until(PATIENCE, "the state with both stock instances, for a viewer", () -> {
            JsonNode s = json(send("/console/api/state", "GET", "Bearer viewer", null).body());
            return s.path("nodes").toString().contains("stock-2") && s.path("actionsNeedToken").asBoolean();
        });
        assertThat(send("/console/api/state", "GET", null, "viewer").statusCode()).isEqualTo(200);
        assertThat(send("/console/api/contract?service=stock", "GET", "Bearer viewer", null).statusCode()).isEqualTo(200);
        assertThat(firstEvent(null, "viewer")).startsWith("retry: ");
        assertThat(firstEvent("Bearer viewer", null)).startsWith("retry: ");
    }

    @Test
    void actionsNeedViewCredentialsInAHeaderThenTheActionRole() throws Exception {
        start(c -> c.viewRequires(ConsoleViewAccessTest::authenticate, "viewer")
                .actionsRequire(ConsoleViewAccessTest::authenticate, "operator"));
        system.client.item("poison");
        Await.until(PATIENCE, "the dead letter shown", () -> json(send("/console/api/state", "GET",
                "Bearer viewer", null).body()).path("deadLetters").size() == 1);
        String id = JSON.readTree(send("/console/api/state", "GET", "Bearer viewer", null).body())
                .path("deadLetters").get(0).path("id").asText();
        String replay = "/console/api/dead-letters/replay?id=" + id;

        assertThat(send(replay, "POST", null, null).statusCode()).isEqualTo(401);
        assertThat(send(replay, "POST", null, "ops").statusCode()).as("the cookie does not act").isEqualTo(401);
        assertThat(send(replay, "POST", "Bearer guest", null).statusCode()).isEqualTo(403);
        assertThat(send(replay, "POST", "Bearer viewer", null).statusCode()).isEqualTo(403);
        system.fixPoison();
        assertThat(send(replay, "POST", "Bearer ops", null).statusCode()).isEqualTo(200);
        Await.until(PATIENCE, "the replayed event handled", () -> system.handled.contains("poison"));
    }

    @Test
    void withOnlyViewingGuardedActionsNeedAViewer() throws Exception {
        start(c -> c.viewRequires(ConsoleViewAccessTest::authenticate, "viewer"));
        Await.until(PATIENCE, "stock listed", () -> send("/console/api/state", "GET", "Bearer viewer", null).body()
                .contains("stock-1"));
        String tryBody = "{\"service\":\"stock\",\"method\":\"get\",\"path\":\"/stock/x\"}";
        assertThat(sendBody("/console/api/try", null, tryBody).statusCode()).isEqualTo(401);
        assertThat(sendBody("/console/api/try", "Bearer guest", tryBody).statusCode()).isEqualTo(403);
        HttpResponse<String> tried = sendBody("/console/api/try", "Bearer viewer", tryBody);
        assertThat(tried.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(tried.body()).path("status").asInt()).isEqualTo(200);
    }

    /** The first line of the event stream, which must answer 200. */
    private String firstEvent(String authorization, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(system.shop.uri().resolve("/console/api/events"));
        credentials(b, authorization, cookie);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
            return lines.readLine();
        }
    }

    private HttpResponse<String> send(String path, String method, String authorization, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(system.shop.uri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (path.contains("dead-letters")) {
            b.header("x-courier-confirm", "replay");
        }
        credentials(b, authorization, cookie);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> sendBody(String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(system.shop.uri().resolve(path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        credentials(b, authorization, null);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void credentials(HttpRequest.Builder b, String authorization, String cookie) {
        if (authorization != null) {
            b.header("authorization", authorization);
        }
        if (cookie != null) {
            b.header("cookie", "other=1; courier-console-token=" + cookie);
        }
    }
}
