package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Clock;
import io.courier.Courier;
import io.courier.Principal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call to a {@code @NonBlocking} method is checked on the event loop when no authenticator can
 * block (static keys, API keys, a JWK Set already fetched), and off it, on a virtual thread,
 * when the JWK Set must be fetched: the thread the handler sees tells which.
 */
class AccessControlInPlaceTest {
    private static final String API_KEY = "k-0123456789abcdef0123";

    // Nimbus times its cache with the system clock; the tokens use the same wall clock.
    private final Clock clock = Clock.system();
    private final Issuer issuer = new Issuer("k1", clock);
    private final JwksServer jwks = new JwksServer(Issuer.jwks(issuer));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        http.close();
        jwks.close();
    }

    private void serve(Authenticator... authenticators) {
        AccessControl.Builder access = AccessControl.builder();
        for (Authenticator a : authenticators) {
            access.authenticator(a);
        }
        server = Courier.builder().name("where").serverInterceptor(access.build()).build()
                .serve(Where.class, new Where.Here());
    }

    private HttpResponse<String> call(String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/thread")).header(header, value).GET().build(),
                BodyHandlers.ofString());
    }

    private String threadSeenWith(String header, String value) throws Exception {
        HttpResponse<String> response = call(header, value);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replace("\"", ""); // a JSON string
    }

    @Test
    void staticKeysAndApiKeysAreCheckedOnTheEventLoop() throws Exception {
        ApiKeys keys = ApiKeys.builder().key(API_KEY, Principal.of("reporting", Set.of("clerk"))).build();
        JwtVerifier jwt = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).build();
        serve(jwt, keys);

        assertThat(threadSeenWith("authorization", "Bearer " + issuer.token("ann"))).contains("eventloop");
        assertThat(threadSeenWith("x-api-key", API_KEY)).contains("eventloop");
        // Refusals are answered in place too.
        assertThat(call("x-api-key", "k-not-a-key-0000000000").statusCode()).isEqualTo(401);
        assertThat(call("authorization", "Bearer not.a.token").statusCode()).isEqualTo(401);
    }

    @Test
    void aJwkSetFetchHopsOffTheEventLoopAndACachedOneDoesNot() throws Exception {
        JwtVerifier jwt = JwtVerifier.builder().jwks(jwks.uri()).issuer(Issuer.ISSUER).audience(Issuer.AUDIENCE)
                .jwksCache(Duration.ofMinutes(5)).jwksRateLimit(Duration.ofSeconds(30)).build();
        serve(jwt);

        // Nothing fetched yet: the check, and so the fetch, run on a virtual thread.
        assertThat(threadSeenWith("authorization", "Bearer " + issuer.token("ann"))).isEqualTo("virtual");
        assertThat(jwks.fetches()).isEqualTo(1);
        // The set is cached and holds the token's key id: in place.
        assertThat(threadSeenWith("authorization", "Bearer " + issuer.token("bo"))).contains("eventloop");
        assertThat(threadSeenWith("authorization", "Bearer " + issuer.token("cy"))).contains("eventloop");
        assertThat(jwks.fetches()).isEqualTo(1);
        // A key id the set does not hold may fetch again: off the loop (and refused).
        Issuer stranger = new Issuer("k9", clock);
        assertThat(call("authorization", "Bearer " + stranger.token("eve")).statusCode()).isEqualTo(401);
    }
}
