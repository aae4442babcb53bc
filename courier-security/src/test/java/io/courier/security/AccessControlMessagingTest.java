package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Interceptor;
import io.courier.PermissionDeniedException;
import io.courier.UnauthenticatedException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access control of commands through a broker: the sender's bearer token travels as a message
 * header, and the same server interceptor as over REST and gRPC checks it before the handler runs;
 * refusals come back to the sender as the same typed errors.
 */
class AccessControlMessagingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final Orders.Desk desk = new Orders.Desk();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private Messaging handler;
    private Messaging sender;

    @BeforeEach
    void start() {
        JwtVerifier jwt = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).build();
        handler = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create())
                .retry(RetryPolicy.builder().maxAttempts(1).build())
                .serverInterceptor(AccessControl.builder().authenticator(jwt).build()).build();
        handler.handle(Orders.class, desk);
        sender = Messaging.builder().name("front").broker(broker).codec(JsonCodec.create()).build();
    }

    @AfterEach
    void stop() {
        sender.close();
        handler.close();
        broker.close();
    }

    private Orders commands(Interceptor credentials) {
        var builder = sender.client(Orders.class).timeout(PATIENCE);
        if (credentials != null) {
            builder.interceptor(credentials);
        }
        return builder.build();
    }

    @Test
    void aCommandWithAValidTokenIsHandledAsItsSender() {
        assertThat(commands(BearerToken.of(issuer.token("ann"))).whoAmI()).isEqualTo("ann");
        assertThat(commands(BearerToken.of(issuer.token("ann"))).place("tea")).isEqualTo("ann placed tea");
    }

    @Test
    void aCommandWithoutOrWithABadTokenIsUnauthenticatedAndNotHandled() {
        int before = desk.calls.get();

        assertThat(catchThrowable(() -> commands(null).whoAmI())).isInstanceOf(UnauthenticatedException.class);
        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.token("ann",
                c -> c.expirationTime(Date.from(clock.instant().minusSeconds(120)))))).whoAmI()))
                .isInstanceOf(UnauthenticatedException.class).hasMessageContaining("invalid bearer token")
                .hasMessageNotContaining("expired");
        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.token("ann", c -> c.audience("billing")))).whoAmI()))
                .isInstanceOf(UnauthenticatedException.class);
        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.token("ann",
                c -> c.issuer("https://evil.test/")))).whoAmI())).isInstanceOf(UnauthenticatedException.class);
        assertThat(catchThrowable(() -> commands(BearerToken.of(new Issuer("k1", clock).token("ann"))).whoAmI()))
                .isInstanceOf(UnauthenticatedException.class);
        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.unsigned("ann"))).whoAmI()))
                .isInstanceOf(UnauthenticatedException.class);
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void aCommandFromACallerWithoutTheRoleIsPermissionDenied() {
        int before = desk.calls.get();

        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.token("guest",
                c -> c.claim("roles", List.of("guest"))))).whoAmI())).isInstanceOf(PermissionDeniedException.class);
        assertThat(catchThrowable(() -> commands(BearerToken.of(issuer.token("ann"))).purge()))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(desk.calls).hasValue(before);
    }
}
