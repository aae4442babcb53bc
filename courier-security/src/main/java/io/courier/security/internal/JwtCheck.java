package io.courier.security.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.courier.Clock;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The verification behind {@code JwtVerifier}: Nimbus checks the JWS, this class the claims, by Courier's clock. */
public final class JwtCheck {
    private static final Logger log = LoggerFactory.getLogger("io.courier.security.JwtVerifier");

    /** What a verifier checks; validated by its builder. */
    public record Settings(URI jwks, String staticKeys, String issuer, String audience, Duration clockSkew,
                           Clock clock, Set<String> algorithms, String subjectClaim, String rolesClaim,
                           List<String> scopeClaims, Duration jwksCache, Duration jwksRateLimit,
                           Duration jwksTimeout) {
    }

    /** The key ids of the last JWK Set fetched, and when its fetch started ({@link System#nanoTime()}). */
    private record Fetched(long startNanos, Set<String> keyIds) {
    }

    private final Settings settings;
    private final DefaultJWTProcessor<SecurityContext> processor;
    /**
     * The token {@link #mayFetchKeys} parsed last on this thread, for the {@link #verify} of the
     * same call: a call that may not block is asked, then verified, on the same event loop, so
     * its token is parsed once, whatever other loops verify meanwhile. Taken by one verify only,
     * since a parsed JWS keeps its verification state; a verify whose token it is not (one moved
     * to a virtual thread because it may block, or another call's) parses its own. Only platform
     * threads keep one: a virtual thread is never asked, so none is made for it.
     */
    private final ThreadLocal<SignedJWT[]> parsedForVerify = ThreadLocal.withInitial(() -> new SignedJWT[1]);
    /** Tokens parsed, for tests. */
    private final LongAdder parses = new LongAdder();
    /** How long after a fetch the cached set is served without fetching, refresh-ahead included. */
    private final long freshNanos;
    private volatile Fetched fetched;

    /** A check with {@code settings}; a bad static JWK Set fails here. */
    public JwtCheck(Settings settings) {
        this.settings = settings;
        // Nimbus refreshes ahead of expiry in the background; past expiry a call waits for the fetch.
        this.freshNanos = settings.jwks() == null ? 0
                : settings.jwksCache().toNanos() - Duration.ofMillis(refreshTimeoutMillis(settings)).toNanos();
        JWKSource<SecurityContext> keys = keys(settings);
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        // RFC 9068 access tokens say "at+jwt"; most issuers say "JWT" or nothing.
        p.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        Set<JWSAlgorithm> algorithms = settings.algorithms().stream().map(JWSAlgorithm::parse)
                .collect(Collectors.toSet());
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        // Times are judged below by Courier's clock, not Nimbus's own reading of the system clock.
        p.setJWTClaimsSetVerifier((claims, context) -> { });
        this.processor = p;
    }

    private static long refreshTimeoutMillis(Settings s) {
        return Math.max(Math.min(Integer.MAX_VALUE, s.jwksTimeout().toMillis()), 1000L);
    }

    /**
     * Whether verifying {@code token} may fetch the JWK Set, and so block: never with static
     * keys; with a JWKS URL when no set was fetched yet, when the one fetched is past its fresh
     * time (its cache time less the refresh timeout), or when the token's header names no key id
     * or one the set does not hold. A token whose header does not parse is refused before any
     * key is looked up, so it does not fetch. Fast: it decodes the header only, and keeps what it
     * parsed for the {@link #verify} of the same token.
     */
    public boolean mayFetchKeys(String token) {
        if (settings.jwks() == null) {
            return false;
        }
        Fetched f = fetched;
        if (f == null || System.nanoTime() - f.startNanos() >= freshNanos) {
            return true;
        }
        SignedJWT jwt;
        try {
            jwt = parse(token);
        } catch (ParseException e) {
            return false;
        }
        if (!Thread.currentThread().isVirtual()) {
            parsedForVerify.get()[0] = jwt;
        }
        String keyId = jwt.getHeader().getKeyID();
        return keyId == null || !f.keyIds().contains(keyId);
    }

    /** The compact JWS {@code token}, its header parsed (its claims are parsed when read). */
    private SignedJWT parse(String token) throws ParseException {
        parses.increment();
        return SignedJWT.parse(token);
    }

    /** {@code token} as {@link #mayFetchKeys} parsed it for this call, or parsed now. */
    private SignedJWT parsedOnce(String token) throws ParseException {
        if (!Thread.currentThread().isVirtual()) {
            SignedJWT[] slot = parsedForVerify.get();
            SignedJWT before = slot[0];
            if (before != null && before.getParsedString().equals(token)) {
                slot[0] = null;
                return before;
            }
        }
        return parse(token);
    }

    /** How many tokens this check has parsed: one per call verified. */
    long parses() {
        return parses.sum();
    }

    /** Fetches as Nimbus's retriever does, and notes what each fetch brought and when it started. */
    private final class NotingRetriever extends DefaultResourceRetriever {
        NotingRetriever(int timeout) {
            super(timeout, timeout, 256 * 1024);
        }

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            long start = System.nanoTime();
            Resource resource = super.retrieveResource(url);
            try {
                Set<String> ids = new HashSet<>();
                for (JWK key : JWKSet.parse(resource.getContent()).getKeys()) {
                    if (key.getKeyID() != null) {
                        ids.add(key.getKeyID());
                    }
                }
                fetched = new Fetched(start, Set.copyOf(ids));
            } catch (ParseException e) {
                fetched = null; // Nimbus refuses it too, and fetches again
            }
            return resource;
        }
    }

    private JWKSource<SecurityContext> keys(Settings s) {
        if (s.staticKeys() != null) {
            try {
                JWKSet set = JWKSet.parse(s.staticKeys());
                if (set.getKeys().stream().anyMatch(k -> k.isPrivate())) {
                    throw new IllegalArgumentException("keys: the JWK Set holds a private key (expected: public keys"
                            + " only; a verifier needs nothing secret)");
                }
                return new ImmutableJWKSet<>(set);
            } catch (ParseException e) {
                throw new IllegalArgumentException("keys: not a JWK Set (" + e.getMessage()
                        + "; expected: {\"keys\":[...]})", e);
            }
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, s.jwksTimeout().toMillis());
        try {
            return JWKSourceBuilder.<SecurityContext>create(s.jwks().toURL(), new NotingRetriever(timeout))
                    .cache(s.jwksCache().toMillis(), refreshTimeoutMillis(s))
                    .refreshAheadCache(true)
                    .rateLimited(s.jwksRateLimit().toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwks: " + s.jwks() + " (expected: a URL)", e);
        }
    }

    /** The principal of {@code token}, or an {@code UnauthenticatedException} that says only "invalid". */
    public Principal verify(String token) {
        return verify(token, "invalid bearer token", "Bearer error=\"invalid_token\"");
    }

    /** As {@link #verify(String)}, refusing with {@code message} and {@code challenge}. */
    public Principal verify(String token, String message, String challenge) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(parsedOnce(token), null);
        } catch (RateLimitReachedException e) {
            // An unknown key id, and the key set was fetched moments ago: not a key this issuer has.
            throw refused("unknown key id, and the JWK Set may not be fetched again yet (" + e + ")", message,
                    challenge);
        } catch (KeySourceException e) {
            // The issuer's keys could not be fetched: the token may be fine, so not the caller's fault.
            log.warn("JWK Set {} unavailable: {}", settings.jwks(), e.toString());
            throw new UnavailableException("cannot verify credentials now; try again later");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw refused(e.getMessage(), message, challenge);
        }
        Instant now = settings.clock().instant();
        Duration skew = settings.clockSkew();
        if (!settings.issuer().equals(claims.getIssuer())) {
            throw refused("issuer " + claims.getIssuer() + " (expected: " + settings.issuer() + ")", message,
                    challenge);
        }
        // A null audience: the caller checks it (a signed message's audience is its channel).
        if (settings.audience() != null
                && (claims.getAudience() == null || !claims.getAudience().contains(settings.audience()))) {
            throw refused("audience " + claims.getAudience() + " (expected to contain: " + settings.audience() + ")",
                    message, challenge);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refused("no exp claim (expected: every token expires)", message, challenge);
        }
        if (now.isAfter(exp.toInstant().plus(skew))) {
            throw refused("expired at " + exp.toInstant() + " (now " + now + ", skew " + skew + ")", message,
                    challenge);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
            throw refused("not valid before " + nbf.toInstant() + " (now " + now + ", skew " + skew + ")", message,
                    challenge);
        }
        Object subject = claims.getClaim(settings.subjectClaim());
        if (!(subject instanceof String name) || name.isBlank()) {
            throw refused("no " + settings.subjectClaim() + " claim (expected: the subject's name)", message,
                    challenge);
        }
        Map<String, Object> all = claims.toJSONObject();
        Set<String> roles = strings(path(all, settings.rolesClaim()));
        Set<String> scopes = new LinkedHashSet<>();
        for (String c : settings.scopeClaims()) {
            scopes.addAll(strings(path(all, c)));
        }
        return new Principal(name, roles, scopes, all);
    }

    /**
     * Why a credential was refused, as the cause of the refusal: never sent to the caller (only an
     * error's message and details cross the wire), read where the refusal is recorded, such as the
     * reason of a dead-lettered event. Without a stack trace.
     */
    public static Exception reason(String reason) {
        return new Exception(reason, null, false, false) {
            private static final long serialVersionUID = 1L;
        };
    }

    private static UnauthenticatedException refused(String reason, String message, String challenge) {
        log.debug("{} refused: {}", message.replace("invalid ", ""), reason);
        return new UnauthenticatedException(message, Map.of(UnauthenticatedException.CHALLENGE, challenge),
                reason(reason));
    }

    private static Object path(Map<String, Object> claims, String path) {
        Object at = claims;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(part);
        }
        return at;
    }

    /** A list of strings, or one string of space-separated values (as OAuth's {@code scope}). */
    private static Set<String> strings(Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (value instanceof Collection<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isBlank()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        Settings s = settings;
        return "issuer=" + s.issuer() + ", audience=" + s.audience() + ", keys="
                + (s.jwks() != null ? s.jwks() : "static") + ", algorithms=" + s.algorithms();
    }
}
