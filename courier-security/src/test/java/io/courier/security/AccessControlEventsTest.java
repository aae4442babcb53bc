package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.Principal;
import io.courier.json.JsonCodec;
import io.courier.messaging.DeadLetter;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events through a secured subscriber: a channel has no contract to annotate, so deny by default
 * refuses every event (dead-lettered, never handled); with authenticated-by-default, an event whose
 * publisher sent a valid token is handled as that publisher and one without is refused.
 */
class AccessControlEventsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    public record OrderPlaced(String order) {
    }

    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final List<Messaging> opened = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> dead = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Messaging::close);
        broker.close();
    }

    private Messaging messaging(String name, UnaryOperator<Messaging.Builder> options) {
        Messaging m = options.apply(Messaging.builder().name(name).broker(broker).codec(JsonCodec.create())
                .retry(RetryPolicy.builder().maxAttempts(1).build())).build();
        opened.add(m);
        return m;
    }

    private void subscriber(AccessControl access) {
        Messaging billing = messaging("billing", b -> b.serverInterceptor(access));
        billing.subscribe(OrderPlaced.class, "billing", e -> handled.add(e.order() + " from "
                + CallContext.current().principal().map(Principal::name).orElse("anonymous")));
        billing.deadLetters(Messaging.channelOf(OrderPlaced.class), "billing", dead::add);
    }

    private JwtVerifier jwt() {
        return JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER).audience(Issuer.AUDIENCE)
                .clock(clock).build();
    }

    @Test
    void withAuthenticatedByDefaultAnEventFromAnAuthenticatedPublisherIsHandledAndOneWithoutIsRefused() {
        subscriber(AccessControl.builder().authenticator(jwt()).authenticatedByDefault().build());
        Messaging orders = messaging("orders", b -> b.clientInterceptor(BearerToken.of(issuer.token("orders-service"))));
        Messaging stranger = messaging("stranger", b -> b);

        stranger.publish(new OrderPlaced("x-1"), "x-1");
        orders.publish(new OrderPlaced("o-1"), "o-1");

        Await.until(PATIENCE, "the anonymous event dead-lettered", () -> dead.size() == 1);
        Await.until(PATIENCE, "the signed-in event handled", () -> handled.contains("o-1 from orders-service"));
        assertThat(handled).containsExactly("o-1 from orders-service");
    }

    @Test
    void denyByDefaultRefusesEventsEvenFromAnAuthenticatedPublisher() {
        subscriber(AccessControl.builder().authenticator(jwt()).build());
        Messaging orders = messaging("orders", b -> b.clientInterceptor(BearerToken.of(issuer.token("orders-service"))));

        orders.publish(new OrderPlaced("o-1"), "o-1");

        Await.until(PATIENCE, "the event dead-lettered", () -> dead.size() == 1);
        assertThat(handled).isEmpty();
    }
}
