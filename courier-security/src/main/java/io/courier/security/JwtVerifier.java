package io.courier.security;

import io.courier.Clock;
import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.security.internal.JwtCheck;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWT bearer tokens ({@code Authorization: Bearer <jwt>}, RFC 6750) into a
 * {@link Principal}: the signature with a key of the issuer's JWK Set, then the issuer, the
 * audience, the expiry and not-before times (with a clock skew), all with Nimbus JOSE+JWT.
 *
 * <pre>{@code
 * JwtVerifier jwt = JwtVerifier.builder()
 *         .jwks(URI.create("https://idp.example.com/.well-known/jwks.json"))
 *         .issuer("https://idp.example.com/")
 *         .audience("orders")
 *         .build();
 * Courier courier = Courier.builder()
 *         .serverInterceptor(AccessControl.builder().authenticator(jwt).build())
 *         .build();
 * }</pre>
 *
 * <p>What it refuses: unsigned tokens ({@code alg: none}), algorithms outside the allow-list
 * (asymmetric only: {@code RS256/384/512}, {@code PS256/384/512}, {@code ES256/384/512}; HMAC
 * cannot be allowed, so a public key is never used as an HMAC secret), a key id the JWK Set does
 * not hold, a token whose {@code typ} is neither {@code JWT} nor {@code at+jwt}, and tokens
 * without {@code exp} or without a subject. The caller learns only that the token is invalid
 * ({@code WWW-Authenticate: Bearer error="invalid_token"}); the reason is logged at DEBUG.
 *
 * <p>Keys come from a JWKS URL, cached (five minutes by default), refreshed ahead of expiry in
 * the background, fetched again when a token names an unknown key id (a rotation), within
 * Nimbus's rate limit ({@link Builder#jwksRateLimit}); or from a static JWK Set.
 *
 * <p>Immutable and thread-safe. {@link #verify} may block while keys are fetched.
 */
public final class JwtVerifier implements Authenticator {
    private final JwtCheck check;

    private JwtVerifier(JwtCheck check) {
        this.check = check;
    }

    /** A builder; {@link Builder#issuer}, {@link Builder#audience} and a key source are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The principal {@code token} proves (a compact JWS, without the {@code Bearer} prefix).
     *
     * @throws UnauthenticatedException when the token is not valid, saying only that
     */
    public Principal verify(String token) {
        return check.verify(Objects.requireNonNull(token, "token"));
    }

    /** Reads {@code Authorization: Bearer <token>}; empty for a call without one. */
    @Override
    public Optional<Principal> authenticate(Metadata metadata) {
        return BearerToken.token(metadata).map(this::verify);
    }

    /**
     * Only when the keys must be fetched: never with static keys; with a JWKS URL, when no key
     * set was fetched yet, when the one fetched is near the end of its cache time, or when the
     * token names a key id it does not hold (or none).
     */
    @Override
    public boolean mayBlock(Metadata metadata) {
        return BearerToken.token(metadata).map(check::mayFetchKeys).orElse(false);
    }

    @Override
    public String toString() {
        return "JwtVerifier[" + check + "]";
    }

    /** Configures a {@link JwtVerifier}. Not thread-safe. */
    public static final class Builder {
        private static final Set<String> ASYMMETRIC = Set.of(
                "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

        private URI jwks;
        private String staticKeys;
        private String issuer;
        private String audience;
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.system();
        private Set<String> algorithms = ASYMMETRIC;
        private String subjectClaim = "sub";
        private String rolesClaim = "roles";
        private List<String> scopeClaims = List.of("scope", "scp");
        private Duration jwksCache = Duration.ofMinutes(5);
        private Duration jwksRateLimit = Duration.ofSeconds(30);
        private Duration jwksTimeout = Duration.ofSeconds(2);

        private Builder() {
        }

        /**
         * Fetches keys from this JWK Set URL (an issuer's {@code jwks_uri}): {@code https://} in
         * production; {@code http://} is accepted for loopback and trusted networks.
         */
        public Builder jwks(URI url) {
            this.jwks = Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("jwks: " + url + " (expected: an https:// URL; http:// only on"
                        + " a trusted network, keys fetched in the clear can be replaced)");
            }
            return this;
        }

        /** Uses the keys of this JWK Set, as JSON ({@code {"keys":[...]}}): public keys only. */
        public Builder keys(String jwkSetJson) {
            this.staticKeys = Objects.requireNonNull(jwkSetJson, "jwkSetJson");
            return this;
        }

        /** The required {@code iss}, compared exactly. */
        public Builder issuer(String issuer) {
            this.issuer = requireText(issuer, "issuer");
            return this;
        }

        /** The audience this service is: a token's {@code aud} must contain it. */
        public Builder audience(String audience) {
            this.audience = requireText(audience, "audience");
            return this;
        }

        /** How far {@code exp} and {@code nbf} may be off this server's clock; 60 seconds by default. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("clockSkew: " + skew + " (expected: 0 to 10 minutes)");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The clock {@code exp} and {@code nbf} are judged by (the wall clock); a fake one in tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The accepted signature algorithms, a subset of the asymmetric default (e.g. {@code "ES256"}). */
        public Builder algorithms(String... algorithms) {
            Set<String> chosen = new LinkedHashSet<>();
            for (String a : algorithms) {
                if (!ASYMMETRIC.contains(a)) {
                    throw new IllegalArgumentException("algorithms: " + a + " (expected: one of " + ASYMMETRIC
                            + "; HMAC and none are refused so a public key never verifies as a secret)");
                }
                chosen.add(a);
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("algorithms: none given (expected: at least one)");
            }
            this.algorithms = Set.copyOf(chosen);
            return this;
        }

        /** The claim naming the principal; {@code sub} by default. */
        public Builder subjectClaim(String claim) {
            this.subjectClaim = requireText(claim, "subjectClaim");
            return this;
        }

        /**
         * The claim holding roles (a list or a space-separated string); {@code roles} by default.
         * A dotted path reads nested objects, e.g. {@code realm_access.roles}.
         */
        public Builder rolesClaim(String claim) {
            this.rolesClaim = requireText(claim, "rolesClaim");
            return this;
        }

        /** The claims holding scopes, all read; {@code scope} and {@code scp} by default. */
        public Builder scopeClaims(String... claims) {
            List<String> list = new ArrayList<>();
            for (String c : claims) {
                list.add(requireText(c, "scopeClaims"));
            }
            this.scopeClaims = List.copyOf(list);
            return this;
        }

        /** How long fetched keys are used before they are fetched again; five minutes by default. */
        public Builder jwksCache(Duration timeToLive) {
            this.jwksCache = positive(timeToLive, "jwksCache");
            return this;
        }

        /**
         * The interval of Nimbus's rate limit on fetches of the JWK Set, so tokens with unknown key
         * ids cannot make this server hammer the issuer; 30 s by default.
         */
        public Builder jwksRateLimit(Duration minInterval) {
            this.jwksRateLimit = positive(minInterval, "jwksRateLimit");
            return this;
        }

        /** The connect and read timeout of a JWK Set fetch; two seconds by default. */
        public Builder jwksTimeout(Duration timeout) {
            this.jwksTimeout = positive(timeout, "jwksTimeout");
            return this;
        }

        /** A verifier with these settings. */
        public JwtVerifier build() {
            if (issuer == null || audience == null) {
                throw new IllegalStateException("issuer and audience are required (expected: builder.issuer(...)"
                        + ".audience(...)): a token minted for another service must not be accepted here");
            }
            if ((jwks == null) == (staticKeys == null)) {
                throw new IllegalStateException("keys: expected exactly one of jwks(url) and keys(jwkSetJson)");
            }
            if (jwks != null && jwksRateLimit.compareTo(jwksCache) >= 0) {
                throw new IllegalStateException("jwksRateLimit: " + jwksRateLimit + " (expected: < jwksCache "
                        + jwksCache + ")");
            }
            return new JwtVerifier(new JwtCheck(new JwtCheck.Settings(jwks, staticKeys, issuer, audience, clockSkew,
                    clock, algorithms, subjectClaim, rolesClaim, scopeClaims, jwksCache, jwksRateLimit, jwksTimeout)));
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + ": \"\" (expected: non-blank)");
            }
            return value;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
