package io.courier.security;

import com.nimbusds.jwt.SignedJWT;
import io.courier.Clock;
import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.messaging.Message;
import io.courier.messaging.MessageContext;
import io.courier.security.internal.JwtCheck;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the signature a {@link MessageSigner} puts on an event, as an {@link Authenticator}
 * of a consumer's {@link AccessControl}: the publisher must be a trusted service, the signature
 * one of its keys, not expired, for the channel the event arrived on and the message's id, over
 * the payload's exact bytes. The principal is the publishing service with the roles given here.
 *
 * <pre>{@code
 * PublisherVerifier publishers = PublisherVerifier.builder()
 *         .publisher("orders", ordersPublicJwkSet, Set.of("publisher"))
 *         .build();
 * Messaging billing = Messaging.builder()
 *         .serverInterceptor(AccessControl.builder().authenticator(publishers).authenticatedByDefault().build())
 *         ...build();
 * }</pre>
 *
 * <p>It reads the message being handled ({@code MessageContext}), so it needs
 * {@code courier-messaging} and a signature on anything but a message is refused. Immutable and
 * thread-safe.
 */
public final class PublisherVerifier implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(PublisherVerifier.class);
    private static final String REFUSED = "invalid publisher signature";
    private static final String CHALLENGE = "Bearer error=\"invalid_token\"";

    private record Publisher(JwtCheck check, Set<String> roles) {
    }

    private final Map<String, Publisher> publishers;

    private PublisherVerifier(Map<String, Publisher> publishers) {
        this.publishers = publishers;
    }

    /** A builder; at least one publisher is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The publishing service of the message being handled, if it carries a signature. */
    @Override
    public Optional<Principal> authenticate(Metadata metadata) {
        Optional<String> jws = metadata.get(MessageSigner.HEADER);
        if (jws.isEmpty()) {
            return Optional.empty();
        }
        Publisher publisher;
        try {
            String issuer = SignedJWT.parse(jws.get()).getJWTClaimsSet().getIssuer();
            publisher = issuer == null ? null : publishers.get(issuer);
            if (publisher == null) {
                throw refused("publisher " + issuer + " is not trusted (expected one of " + publishers.keySet() + ")");
            }
        } catch (ParseException e) {
            throw refused("not a signed JWT: " + e.getMessage());
        }
        Principal signed = publisher.check.verify(jws.get(), REFUSED, CHALLENGE);
        Message message = MessageContext.current().map(MessageContext::message)
                .orElseThrow(() -> refused("a publisher signature on a call that is not a message"));
        Object aud = signed.claims().get("aud");
        boolean channelOk = aud instanceof String s ? s.equals(message.channel())
                : aud instanceof List<?> l && l.size() == 1 && message.channel().equals(l.get(0));
        if (!channelOk) {
            throw refused("signed for channel " + aud + ", arrived on " + message.channel());
        }
        if (!message.id().equals(signed.claims().get("jti"))) {
            throw refused("signed for message " + signed.claims().get("jti") + ", arrived as " + message.id());
        }
        if (!MessageSigner.digest(message.payload()).equals(signed.claims().get(MessageSigner.PAYLOAD_CLAIM))) {
            throw refused("the payload of message " + message.id() + " is not the one signed");
        }
        return Optional.of(new Principal(signed.name(), publisher.roles, Set.of(), signed.claims()));
    }

    private static UnauthenticatedException refused(String reason) {
        log.debug("publisher signature refused: {}", reason);
        // The reason is the cause, which never crosses the wire: a dead letter's reason says it.
        return new UnauthenticatedException(REFUSED, Map.of(UnauthenticatedException.CHALLENGE, CHALLENGE),
                JwtCheck.reason(reason));
    }

    /** Configures a {@link PublisherVerifier}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> keys = new HashMap<>();
        private final Map<String, Set<String>> roles = new HashMap<>();
        private Clock clock = Clock.system();
        private Duration clockSkew = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * Trusts {@code service}'s signatures made with the keys of {@code publicJwkSetJson} (a
         * public JWK Set), granting the service {@code roles}.
         */
        public Builder publisher(String service, String publicJwkSetJson, Set<String> roles) {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(publicJwkSetJson, "publicJwkSetJson");
            if (keys.containsKey(service)) {
                throw new IllegalArgumentException("publisher: " + service
                        + " given twice (expected: one key set each)");
            }
            keys.put(service, publicJwkSetJson);
            this.roles.put(service, Set.copyOf(Objects.requireNonNull(roles, "roles")));
            return this;
        }

        /** The clock {@code exp} is judged by. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How far {@code exp} may be off this consumer's clock; 60 seconds by default. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clockSkew: " + skew + " (expected: >= 0)");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The verifier. */
        public PublisherVerifier build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("publishers: none (expected: at least one publisher(...))");
            }
            Map<String, Publisher> built = new HashMap<>();
            keys.forEach((service, jwks) -> built.put(service, new Publisher(new JwtCheck(new JwtCheck.Settings(
                    null, jwks, service, null, clockSkew, clock,
                    Set.of("RS256", "ES256", "ES384", "ES512"), "sub", "roles", List.of(),
                    Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(2))), roles.get(service))));
            return new PublisherVerifier(Map.copyOf(built));
        }
    }
}
