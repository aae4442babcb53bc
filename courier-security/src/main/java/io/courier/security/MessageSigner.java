package io.courier.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.courier.Call;
import io.courier.Clock;
import io.courier.Interceptor;
import io.courier.spi.Codec;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code Messaging} client interceptor that signs every event this service publishes: a JWS
 * in the {@value #HEADER} header, signed with the service's own private key, naming the service
 * ({@code iss}, {@code sub}), the channel ({@code aud}), the message id ({@code jti}) and the
 * SHA-256 of the payload's bytes, so a consumer's {@link PublisherVerifier} knows which service
 * published the event and that neither the payload, the channel nor the id was changed on the
 * way.
 *
 * <pre>{@code
 * Messaging messaging = Messaging.builder().codec(json)
 *         .clientInterceptor(MessageSigner.builder().service("orders")
 *                 .signingKey(System.getenv("ORDERS_SIGNING_JWK")).codec(json).build())
 *         ...build();
 * }</pre>
 *
 * <p>The codec must be the one the {@code Messaging} encodes with: the digest is of the bytes it
 * sends. Commands and scatter-gather requests pass unsigned (commands carry bearer tokens, see
 * {@link BearerToken}). Immutable and thread-safe.
 */
public final class MessageSigner implements Interceptor {
    /**
     * The header carrying the signature. Not {@code courier-...}: those names are the envelope's
     * own and are not sent as message headers.
     */
    public static final String HEADER = "publisher-signature";
    /** The claim holding the base64url SHA-256 of the payload. */
    static final String PAYLOAD_CLAIM = "courier-payload-sha256";

    private final String service;
    private final JWSSigner signer;
    private final JWSHeader header;
    private final Codec codec;
    private final Duration lifetime;
    private final Clock clock;

    private MessageSigner(Builder b, JWSSigner signer, JWSHeader header) {
        this.service = b.service;
        this.signer = signer;
        this.header = header;
        this.codec = b.codec;
        this.lifetime = b.lifetime;
        this.clock = b.clock;
    }

    /** A builder; the service, its signing key and the codec are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        URI target = call.target();
        if (target == null || !"broker".equals(target.getScheme()) || !call.method().name().equals("publish")
                || call.args().size() != 1 || call.args().get(0) == null) {
            return next.proceed(call);
        }
        String channel = target.getSchemeSpecificPart();
        Object payload = call.args().get(0);
        // Messaging names the id the message will have; "courier-id" is MessageHeaders.ID.
        String id = call.context().metadata().get("courier-id").orElse(null);
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("publish to " + channel
                    + ": no message id in the call (expected: MessageSigner as a Messaging client interceptor)"));
        }
        String jws;
        try {
            jws = sign(channel, id, codec.encode(payload, payload.getClass()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return next.proceed(call.withContext(call.context().withMetadata(
                call.context().metadata().withOnly(HEADER, jws))));
    }

    private String sign(String channel, String id, byte[] payload) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(service).subject(service).audience(channel)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(id).claim(PAYLOAD_CLAIM, digest(payload)).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a message to " + channel + " failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The base64url SHA-256 of {@code bytes}. */
    static String digest(byte[] bytes) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "MessageSigner[" + service + ", " + header.getAlgorithm() + ", kid " + header.getKeyID() + "]";
    }

    /** Configures a {@link MessageSigner}. Not thread-safe. */
    public static final class Builder {
        private String service;
        private String signingKey;
        private Codec codec;
        private Duration lifetime = Duration.ofDays(1);
        private Clock clock = Clock.system();

        private Builder() {
        }

        /** The publishing service's name: the signature's issuer, as consumers know it. */
        public Builder service(String service) {
            Objects.requireNonNull(service, "service");
            if (service.isBlank()) {
                throw new IllegalArgumentException("service: \"\" (expected: the service's name)");
            }
            this.service = service;
            return this;
        }

        /** The service's private key as a JWK (RSA, or EC on P-256/384/521), with a {@code kid}. */
        public Builder signingKey(String privateJwkJson) {
            this.signingKey = Objects.requireNonNull(privateJwkJson, "privateJwkJson");
            return this;
        }

        /** The codec the {@code Messaging} encodes payloads with. */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * How long a signature is accepted after publishing; one day by default. An event handled
         * later (a consumer down for longer, a dead letter replayed) is refused, so pick the
         * longest delay the consumers must survive.
         */
        public Builder lifetime(Duration lifetime) {
            Objects.requireNonNull(lifetime, "lifetime");
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
            }
            this.lifetime = lifetime;
            return this;
        }

        /** The clock of {@code iat} and {@code exp}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The signer. */
        public MessageSigner build() {
            if (service == null || signingKey == null || codec == null) {
                throw new IllegalStateException("service, signingKey and codec are required");
            }
            JWK key;
            try {
                key = JWK.parse(signingKey);
            } catch (ParseException e) {
                throw new IllegalArgumentException("signingKey: not a JWK (" + e.getMessage() + ")", e);
            }
            if (!key.isPrivate() || key.getKeyID() == null) {
                throw new IllegalArgumentException("signingKey: " + (key.isPrivate() ? "no kid" : "a public key")
                        + " (expected: a private JWK with a kid, whose public half consumers trust)");
            }
            try {
                if (key instanceof RSAKey rsa) {
                    return new MessageSigner(this, new RSASSASigner(rsa),
                            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build());
                }
                if (key instanceof ECKey ec) {
                    Curve curve = ec.getCurve();
                    JWSAlgorithm alg = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256
                            : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384
                            : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
                    if (alg != null) {
                        return new MessageSigner(this, new ECDSASigner(ec),
                                new JWSHeader.Builder(alg).keyID(key.getKeyID()).build());
                    }
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("signingKey: " + e.getMessage(), e);
            }
            throw new IllegalArgumentException("signingKey: " + key.getKeyType() + " (expected: RSA, or EC on P-256,"
                    + " P-384 or P-521)");
        }
    }
}
