package io.courier.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.courier.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** A stand-in identity provider: RSA keys, and tokens minted with them, good or bad on purpose. */
final class Issuer {
    static final String ISSUER = "https://idp.test/";
    static final String AUDIENCE = "orders";

    final RSAKey key;
    private final Clock clock;

    Issuer(String kid, Clock clock) {
        try {
            this.key = new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.clock = clock;
    }

    /** The public JWK Set of {@code issuers}' keys, as an issuer's jwks_uri serves it. */
    static String jwks(Issuer... issuers) {
        return new JWKSet(java.util.Arrays.stream(issuers).map(i -> (com.nimbusds.jose.jwk.JWK) i.key.toPublicJWK())
                .toList()).toString();
    }

    /** Claims of a clerk with the write scope, valid for five minutes from now. */
    JWTClaimsSet.Builder claims(String subject) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("roles", List.of("clerk")).claim("scope", "orders:read orders:write");
    }

    String token(String subject) {
        return sign(claims(subject).build());
    }

    String token(String subject, UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(change.apply(claims(subject)).build());
    }

    String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) with good claims. */
    String unsigned(String subject) {
        return new PlainJWT(claims(subject).build()).serialize();
    }

    /** HS256 with this issuer's public key as the HMAC secret: the algorithm-confusion attack. */
    String hmacWithPublicKey(String subject) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    claims(subject).build());
            jwt.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
