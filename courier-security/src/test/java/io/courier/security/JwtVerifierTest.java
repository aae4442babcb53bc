package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verification of bearer tokens against static keys, by a fake clock: every kind of bad token is
 * refused with the same message and challenge, and a good one becomes a principal.
 */
class JwtVerifierTest {
    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final JwtVerifier verifier = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
            .audience(Issuer.AUDIENCE).clock(clock).clockSkew(Duration.ofSeconds(30)).build();

    private void assertRefused(String token) {
        UnauthenticatedException e = catchThrowableOfType(UnauthenticatedException.class, () -> verifier.verify(token));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).isEqualTo("invalid bearer token");
        assertThat(e.details()).containsExactly(Map.entry(UnauthenticatedException.CHALLENGE, "Bearer error=\"invalid_token\""));
    }

    @Test
    void aValidTokenBecomesAPrincipalWithItsRolesScopesAndClaims() {
        Principal p = verifier.verify(issuer.token("ann"));

        assertThat(p.name()).isEqualTo("ann");
        assertThat(p.roles()).containsExactly("clerk");
        assertThat(p.scopes()).containsExactlyInAnyOrder("orders:read", "orders:write");
        assertThat(p.claims()).containsEntry("iss", Issuer.ISSUER).containsKey("exp");
        assertThatThrownBy(() -> p.claims().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theBearerHeaderIsReadAndOtherSchemesAreLeftToOtherAuthenticators() {
        assertThat(verifier.authenticate(Metadata.of("authorization", "bearer " + issuer.token("ann"))))
                .map(Principal::name).hasValue("ann");
        assertThat(verifier.authenticate(Metadata.of("authorization", "Basic YW5uOnB3"))).isEmpty();
        assertThat(verifier.authenticate(Metadata.empty())).isEmpty();
    }

    @Test
    void expiryIsJudgedByTheClockWithTheSkew() {
        String token = issuer.token("ann", c -> c.expirationTime(Date.from(clock.instant().plusSeconds(10))));

        clock.advance(Duration.ofSeconds(39));
        assertThat(verifier.verify(token).name()).isEqualTo("ann");
        clock.advance(Duration.ofSeconds(2));
        assertRefused(token);
    }

    @Test
    void notBeforeIsJudgedByTheClockWithTheSkew() {
        String token = issuer.token("ann", c -> c.notBeforeTime(Date.from(clock.instant().plusSeconds(60))));

        assertRefused(token);
        clock.advance(Duration.ofSeconds(31));
        assertThat(verifier.verify(token).name()).isEqualTo("ann");
    }

    @Test
    void wrongAudienceIssuerAndMissingExpiryOrSubjectAreRefused() {
        assertRefused(issuer.token("ann", c -> c.audience("billing")));
        assertRefused(issuer.token("ann", c -> c.issuer("https://evil.test/")));
        assertRefused(issuer.token("ann", c -> c.expirationTime(null)));
        assertRefused(issuer.token("ann", c -> c.subject(null)));
        assertThat(verifier.verify(issuer.token("ann", c -> c.audience(List.of("billing", "orders")))).name())
                .isEqualTo("ann");
    }

    @Test
    void aWrongSignatureAnUnsignedTokenAndHmacWithThePublicKeyAreRefused() {
        Issuer impostor = new Issuer("k1", clock); // same key id, another key
        assertRefused(impostor.token("ann"));
        assertRefused(issuer.unsigned("ann"));
        assertRefused(issuer.hmacWithPublicKey("ann"));
        assertRefused("not.a.token");
        String good = issuer.token("ann");
        assertRefused(good.substring(0, good.length() - 4) + "AAAA");
    }

    @Test
    void rolesAndScopesComeFromTheConfiguredClaims() {
        JwtVerifier keycloak = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).rolesClaim("realm_access.roles").scopeClaims("scp").build();

        Principal p = keycloak.verify(issuer.token("ann", c -> c.claim("realm_access", Map.of("roles", List.of("admin")))
                .claim("scp", List.of("a", "b"))));

        assertThat(p.roles()).containsExactly("admin");
        assertThat(p.scopes()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void unsafeSettingsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> JwtVerifier.builder().algorithms("HS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("algorithms: HS256");
        assertThatThrownBy(() -> JwtVerifier.builder().algorithms("none"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("issuer and audience are required");
        assertThatThrownBy(() -> JwtVerifier.builder().keys(new com.nimbusds.jose.jwk.JWKSet(issuer.key).toString(false))
                .issuer(Issuer.ISSUER).audience(Issuer.AUDIENCE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key");
    }

    @Test
    void onlyTheAllowedAlgorithmsAreAccepted() {
        JwtVerifier ecOnly = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).algorithms("ES256").build();

        assertThatThrownBy(() -> ecOnly.verify(issuer.token("ann"))).isInstanceOf(UnauthenticatedException.class);
    }
}
