package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Clock;
import io.courier.Courier;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys from a JWKS URL served on loopback: fetched once and cached, a new key id after a rotation
 * picked up by one more fetch, unknown key ids not fetched again within the rate limit, and an
 * unreachable key set answered as unavailable, not as the caller's bad token.
 */
class JwksRotationTest {
    // Nimbus times its cache with the system clock; the token times use the same wall clock here.
    private final Clock clock = Clock.system();
    private final Issuer first = new Issuer("2026-01", clock);
    private final Issuer second = new Issuer("2026-02", clock);
    private final JwksServer jwks = new JwksServer(Issuer.jwks(first));

    @AfterEach
    void close() {
        jwks.close();
    }

    private JwtVerifier verifier(Duration rateLimit) {
        return JwtVerifier.builder().jwks(jwks.uri()).issuer(Issuer.ISSUER).audience(Issuer.AUDIENCE)
                .jwksCache(Duration.ofMinutes(5)).jwksRateLimit(rateLimit).build();
    }

    @Test
    void keysAreFetchedOnceThenCached() {
        JwtVerifier verifier = verifier(Duration.ofSeconds(30));

        for (int i = 0; i < 5; i++) {
            assertThat(verifier.verify(first.token("ann")).name()).isEqualTo("ann");
        }
        assertThat(jwks.fetches()).isEqualTo(1);
    }

    @Test
    void aNewKeyIdAfterARotationIsPickedUp() {
        JwtVerifier verifier = verifier(Duration.ofMillis(1));
        assertThat(verifier.verify(first.token("ann")).name()).isEqualTo("ann");

        jwks.serve(Issuer.jwks(second)); // the issuer rotated: the old key is retired
        String rotated = second.token("bo");

        assertThat(verifier.verify(rotated).name()).isEqualTo("bo");
        assertThat(jwks.fetches()).isEqualTo(2);
    }

    @Test
    void unknownKeyIdsDoNotFetchMoreThanTheRateLimitAllows() {
        JwtVerifier verifier = verifier(Duration.ofSeconds(30));
        assertThat(verifier.verify(first.token("ann")).name()).isEqualTo("ann");
        Issuer stranger = new Issuer("unknown", clock);

        for (int i = 0; i < 10; i++) {
            assertThat(catchThrowable(() -> verifier.verify(stranger.token("eve"))))
                    .isInstanceOf(UnauthenticatedException.class);
        }
        assertThat(jwks.fetches()).isLessThanOrEqualTo(2);
    }

    @Test
    void anUnreachableKeySetIsUnavailableNotAnInvalidToken() {
        jwks.down(true);
        JwtVerifier verifier = verifier(Duration.ofSeconds(30));

        assertThat(catchThrowable(() -> verifier.verify(first.token("ann")))).isInstanceOf(UnavailableException.class)
                .hasMessage("cannot verify credentials now; try again later");
    }

    @Test
    void overRestAnUnreachableKeySetIs503AndARotatedKeyIsServed() throws Exception {
        JwtVerifier verifier = verifier(Duration.ofMillis(1));
        Orders.Desk desk = new Orders.Desk();
        try (Courier server = Courier.builder().name("jwks-rest")
                .serverInterceptor(AccessControl.builder().authenticator(verifier).build()).build()
                .serve(Orders.class, desk);
             HttpClient http = HttpClient.newHttpClient()) {
            jwks.down(true);
            HttpResponse<String> unavailable = http.send(HttpRequest.newBuilder(server.uri().resolve("/whoami"))
                    .header("authorization", "Bearer " + first.token("ann")).build(), BodyHandlers.ofString());
            jwks.down(false);
            jwks.serve(Issuer.jwks(second));
            HttpResponse<String> rotated = http.send(HttpRequest.newBuilder(server.uri().resolve("/whoami"))
                    .header("authorization", "Bearer " + second.token("bo")).build(), BodyHandlers.ofString());

            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(unavailable.body()).contains("cannot verify credentials now").doesNotContain("127.0.0.1");
            assertThat(rotated.statusCode()).isEqualTo(200);
            assertThat(rotated.body()).isEqualTo("\"bo\"");
            assertThat(desk.calls).hasValue(1);
        }
    }
}
