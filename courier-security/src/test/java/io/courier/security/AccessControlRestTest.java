package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.Principal;
import io.courier.test.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Access control over REST, from the JDK's HTTP client: 401 with the RFC 6750 challenge for a
 * missing or bad token (and nothing said of why), 403 for a caller without the role or scope, the
 * method's annotation over the interface's, deny by default, API keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlRestTest {
    private static final String API_KEY = "k-0123456789abcdef0123";

    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final Orders.Desk desk = new Orders.Desk();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        JwtVerifier jwt = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).build();
        ApiKeys keys = ApiKeys.builder().key(API_KEY, Principal.of("reporting", Set.of("manager"))).build();
        server = Courier.builder().name("secured").clock(clock)
                .serverInterceptor(AccessControl.builder().authenticator(jwt).authenticator(keys).build()).build();
        server.serve(Orders.class, desk).serve(Undeclared.class, () -> "hello");
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<String> get(String path, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> bearer(String path, String token) throws Exception {
        return get(path, "authorization", "Bearer " + token);
    }

    private void assertInvalidToken(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("www-authenticate")).containsExactly("Bearer error=\"invalid_token\"");
        assertThat(response.body()).contains("\"code\":\"UNAUTHENTICATED\"", "invalid bearer token")
                .doesNotContain("expired", "audience", "issuer", "signature", "alg");
    }

    @Test
    void aValidTokenReachesTheHandlerWhichSeesThePrincipal() throws Exception {
        HttpResponse<String> response = bearer("/whoami", issuer.token("ann"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("\"ann\"");
    }

    @Test
    void aMissingTokenIs401WithABareChallenge() throws Exception {
        int before = desk.calls.get();
        HttpResponse<String> response = get("/whoami", null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("www-authenticate")).containsExactly("Bearer");
        assertThat(response.body()).contains("authentication required");
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void expiredWrongAudienceWrongIssuerWrongSignatureAndAlgNoneAre401InvalidToken() throws Exception {
        int before = desk.calls.get();
        assertInvalidToken(bearer("/whoami", issuer.token("ann",
                c -> c.expirationTime(Date.from(clock.instant().minus(Duration.ofMinutes(2)))))));
        assertInvalidToken(bearer("/whoami", issuer.token("ann", c -> c.audience("billing"))));
        assertInvalidToken(bearer("/whoami", issuer.token("ann", c -> c.issuer("https://evil.test/"))));
        assertInvalidToken(bearer("/whoami", new Issuer("k1", clock).token("ann")));
        assertInvalidToken(bearer("/whoami", issuer.unsigned("ann")));
        assertInvalidToken(bearer("/whoami", issuer.hmacWithPublicKey("ann")));
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void aCallerWithoutTheRoleIs403() throws Exception {
        int before = desk.calls.get();
        HttpResponse<String> response = bearer("/whoami", issuer.token("guest", c -> c.claim("roles", List.of("guest"))));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("www-authenticate")).isEmpty();
        assertThat(response.body()).contains("\"code\":\"PERMISSION_DENIED\"", "orders.whoAmI: permission denied")
                .doesNotContain("clerk");
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void theMethodsRuleReplacesTheInterfacesRule() throws Exception {
        // place needs the write scope and no role; a manager without the scope is refused.
        String writer = issuer.token("wes", c -> c.claim("roles", List.of()).claim("scope", "orders:write"));
        String reader = issuer.token("ann", c -> c.claim("scope", "orders:read"));

        HttpResponse<String> placed = http.send(HttpRequest.newBuilder(base.resolve("/orders"))
                .header("authorization", "Bearer " + writer).header("content-type", "application/json")
                .POST(BodyPublishers.ofString("\"tea\"")).build(), BodyHandlers.ofString());
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("/orders"))
                .header("authorization", "Bearer " + reader).header("content-type", "application/json")
                .POST(BodyPublishers.ofString("\"tea\"")).build(), BodyHandlers.ofString());

        assertThat(placed.statusCode()).isEqualTo(200);
        assertThat(placed.body()).isEqualTo("\"wes placed tea\"");
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    /** RFC 6750 3.1: a bearer token with the role but not the scope is told which scopes the method needs. */
    @Test
    void aTokenWithoutTheScopeIs403WithTheInsufficientScopeChallenge() throws Exception {
        String reader = issuer.token("ann", c -> c.claim("scope", "orders:read"));
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("/orders"))
                .header("authorization", "Bearer " + reader).header("content-type", "application/json")
                .POST(BodyPublishers.ofString("\"tea\"")).build(), BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().allValues("www-authenticate"))
                .containsExactly("Bearer error=\"insufficient_scope\", scope=\"orders:write\"");
        assertThat(refused.body()).contains("\"code\":\"PERMISSION_DENIED\"", "insufficient scope");
    }

    /** API keys are not bearer tokens: a key without the scope gets a plain 403. */
    @Test
    void anApiKeyWithoutTheScopeIs403WithoutAChallenge() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("/orders"))
                .header("x-api-key", API_KEY).header("content-type", "application/json")
                .POST(BodyPublishers.ofString("\"tea\"")).build(), BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("www-authenticate")).isEmpty();
    }

    @Test
    void permitAllAnswersWithoutCredentialsButNotWithBadOnes() throws Exception {
        assertThat(get("/status", null, null).body()).isEqualTo("\"up for anonymous\"");
        assertThat(bearer("/status", issuer.token("ann")).body()).isEqualTo("\"up for ann\"");
        assertInvalidToken(bearer("/status", issuer.unsigned("ann")));
    }

    @Test
    void denyAllAndUndeclaredMethodsAreRefusedEvenToAValidCaller() throws Exception {
        HttpResponse<String> purge = http.send(HttpRequest.newBuilder(base.resolve("/purge"))
                .header("authorization", "Bearer " + issuer.token("ann"))
                .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());

        assertThat(purge.statusCode()).isEqualTo(403);
        assertThat(bearer("/hello", issuer.token("ann")).statusCode()).isEqualTo(403);
        assertThat(get("/hello", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void anApiKeyIsAPrincipalAndAWrongOneIs401() throws Exception {
        HttpResponse<String> ok = get("/whoami", "x-api-key", API_KEY);
        HttpResponse<String> wrong = get("/whoami", "x-api-key", API_KEY.replace('k', 'K'));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("\"reporting\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("www-authenticate")).containsExactly("ApiKey header=\"x-api-key\"");
    }
}
