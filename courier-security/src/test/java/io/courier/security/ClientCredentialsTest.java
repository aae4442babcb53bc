package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.UnauthenticatedException;
import io.courier.annotation.Get;
import io.courier.annotation.Service;
import io.courier.test.FakeClock;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials on the client side, over REST between real servers: a supplier asked per call, a
 * token refreshed before it expires (by a fake clock both sides share), and across A -> B either
 * the caller's token forwarded or A's own.
 */
class ClientCredentialsTest {
    /** Service A: calls B on behalf of its caller, or as itself. */
    @Service("front")
    @RolesAllowed("clerk")
    public interface Front {
        @Get("/front/forwarded")
        String forwarded();

        @Get("/front/own")
        String own();
    }

    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final Orders.Desk desk = new Orders.Desk();
    private Courier b;
    private Courier a;
    private Courier callers;

    @BeforeEach
    void start() {
        JwtVerifier jwt = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).build();
        b = Courier.builder().name("b").clock(clock)
                .serverInterceptor(AccessControl.builder().authenticator(jwt).build()).build().serve(Orders.class, desk);
        a = Courier.builder().name("a").clock(clock)
                .serverInterceptor(AccessControl.builder().authenticator(jwt).build()).build();
        callers = Courier.builder().name("callers").clock(clock).build();
    }

    @AfterEach
    void stop() {
        callers.close();
        a.close();
        b.close();
    }

    private Orders orders(io.courier.Interceptor credentials) {
        return callers.client(Orders.class).target(b.uri()).deadline(Duration.ofSeconds(10))
                .interceptor(credentials).build();
    }

    @Test
    void aSupplierIsAskedOnEveryCallAndItsFailureStopsTheCallBeforeItIsSent() {
        AtomicInteger asked = new AtomicInteger();
        Orders orders = orders(BearerToken.from(() -> {
            asked.incrementAndGet();
            return issuer.token("ann");
        }));

        assertThat(orders.whoAmI()).isEqualTo("ann");
        assertThat(orders.whoAmI()).isEqualTo("ann");
        assertThat(asked).hasValue(2);

        int before = desk.calls.get();
        Orders broken = orders(BearerToken.from(() -> {
            throw new IllegalStateException("identity provider down");
        }));
        assertThat(catchThrowable(broken::whoAmI)).isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("no bearer token for orders.whoAmI");
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void aRefreshingTokenIsFetchedAgainBeforeItExpiresWhereAFixedOneFails() {
        AtomicInteger fetched = new AtomicInteger();
        Orders refreshing = orders(BearerToken.refreshing(() -> {
            fetched.incrementAndGet();
            return issuer.token("ann"); // valid for five minutes from the clock's now
        }, Duration.ofSeconds(30), clock));
        Orders fixed = orders(BearerToken.of(issuer.token("ann")));

        assertThat(refreshing.whoAmI()).isEqualTo("ann");
        assertThat(refreshing.whoAmI()).isEqualTo("ann");
        assertThat(fetched).hasValue(1);

        clock.advance(Duration.ofMinutes(4).plusSeconds(31)); // within 30 s of exp: refreshed
        assertThat(refreshing.whoAmI()).isEqualTo("ann");
        assertThat(fetched).hasValue(2);

        clock.advance(Duration.ofMinutes(2)); // the first token is past exp and the skew
        assertThat(refreshing.whoAmI()).isEqualTo("ann");
        assertThat(fetched).hasValue(2);
        assertThat(catchThrowable(fixed::whoAmI)).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void aForwardingClientPassesTheCallersTokenAndAnotherActsAsTheServiceItself() {
        String serviceToken = issuer.token("front", c -> c.claim("roles", List.of("manager")));
        Orders forwarding = a.client(Orders.class).target(b.uri()).deadline(Duration.ofSeconds(10))
                .interceptor(BearerToken.forwardCaller()).build();
        Orders asItself = a.client(Orders.class).target(b.uri()).deadline(Duration.ofSeconds(10))
                .interceptor(BearerToken.of(serviceToken)).build();
        a.serve(Front.class, new Front() {
            @Override
            public String forwarded() {
                return forwarding.whoAmI();
            }

            @Override
            public String own() {
                return asItself.whoAmI();
            }
        });
        Front front = callers.client(Front.class).target(a.uri()).deadline(Duration.ofSeconds(10))
                .interceptor(BearerToken.of(issuer.token("ann"))).build();

        assertThat(front.forwarded()).isEqualTo("ann");
        assertThat(front.own()).isEqualTo("front");
        // Outside a handled call there is nothing to forward: B refuses.
        assertThat(catchThrowable(forwarding::whoAmI)).isInstanceOf(UnauthenticatedException.class);
    }
}
