package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Principal;
import io.courier.json.JsonCodec;
import io.courier.messaging.DeadLetter;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.FakeClock;
import io.courier.test.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's identity on an event, signed by the publishing service over the channel and
 * the message id and the payload's bytes: handled as that service when intact; refused
 * (dead-lettered, never handled) when the payload was changed, the signature moved to another
 * channel or copied onto another message, signed by an untrusted key, expired, or absent.
 */
class SignedEventsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String COPIES = "OrderPlaced.copies";

    public record OrderPlaced(String order) {
    }

    private final FakeClock publisherClock = FakeClock.create();
    private final FakeClock consumerClock = FakeClock.create();
    private final JsonCodec json = JsonCodec.create();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final List<Messaging> opened = new CopyOnWriteArrayList<>();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> dead = new CopyOnWriteArrayList<>();
    private final ECKey ordersKey = key("orders-1");

    private static ECKey key(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void consumer() {
        PublisherVerifier publishers = PublisherVerifier.builder()
                .publisher("orders", new JWKSet(ordersKey.toPublicJWK()).toString(), Set.of("publisher"))
                .clock(consumerClock).build();
        Messaging billing = messaging("billing", b -> b.serverInterceptor(
                AccessControl.builder().authenticator(publishers).authenticatedByDefault().build()));
        for (String channel : List.of(Messaging.channelOf(OrderPlaced.class), COPIES)) {
            billing.subscribe(channel, OrderPlaced.class, "billing", e -> handled.add(e.order() + " from "
                    + CallContext.current().principal().map(p -> p.name() + p.roles()).orElse("anonymous")));
            billing.deadLetters(channel, "billing", dead::add);
        }
    }

    @AfterEach
    void close() {
        opened.forEach(Messaging::close);
        broker.close();
    }

    private Messaging messaging(String name, UnaryOperator<Messaging.Builder> options) {
        Messaging m = options.apply(Messaging.builder().name(name).broker(broker).codec(json)
                .retry(RetryPolicy.builder().maxAttempts(1).build())).build();
        opened.add(m);
        return m;
    }

    private MessageSigner signer(ECKey key) {
        return MessageSigner.builder().service("orders").signingKey(key.toJSONString()).codec(json)
                .lifetime(Duration.ofHours(1)).clock(publisherClock).build();
    }

    private void assertRefusedThenIntactHandled(int refusals) {
        Messaging orders = messaging("orders-intact", b -> b.clientInterceptor(signer(ordersKey)));
        orders.publish(new OrderPlaced("o-1"), "o-1");
        Await.until(PATIENCE, "the refusals dead-lettered", () -> dead.size() == refusals);
        Await.until(PATIENCE, "the intact event handled", () -> handled.contains("o-1 from orders[publisher]"));
        assertThat(handled).containsExactly("o-1 from orders[publisher]");
    }

    @Test
    void aSignedEventIsHandledAsItsPublisher() {
        assertRefusedThenIntactHandled(0);
    }

    @Test
    void aPayloadChangedAfterSigningIsRefused() {
        Interceptor tamper = (call, next) -> next.proceed(call.withArgs(new Object[] {new OrderPlaced("evil")}));
        messaging("orders-tampered", b -> b.clientInterceptor(signer(ordersKey)).clientInterceptor(tamper))
                .publish(new OrderPlaced("x-1"), "x-1");

        assertRefusedThenIntactHandled(1);
    }

    @Test
    void aSignatureMovedToAnotherChannelIsRefused() {
        AtomicReference<String> captured = new AtomicReference<>();
        Interceptor capture = (call, next) -> {
            captured.set(call.context().metadata().get(MessageSigner.HEADER).orElseThrow());
            return next.proceed(call);
        };
        messaging("orders-captured", b -> b.clientInterceptor(signer(ordersKey)).clientInterceptor(capture))
                .publish(new OrderPlaced("c-1"), "c-1");
        Await.until(PATIENCE, "the original handled", () -> handled.contains("c-1 from orders[publisher]"));
        Interceptor replay = (call, next) -> next.proceed(call.withContext(call.context().withMetadata(
                call.context().metadata().withOnly(MessageSigner.HEADER, captured.get()))));

        messaging("forger", b -> b.clientInterceptor(replay)).publish(COPIES, new OrderPlaced("c-1"), "c-1");

        Await.until(PATIENCE, "the moved signature refused", () -> dead.size() == 1);
        assertThat(handled).containsExactly("c-1 from orders[publisher]");
    }

    @Test
    void aSignatureCopiedOntoAnotherMessageIsRefused() {
        AtomicReference<String> captured = new AtomicReference<>();
        Interceptor capture = (call, next) -> {
            captured.set(call.context().metadata().get(MessageSigner.HEADER).orElseThrow());
            return next.proceed(call);
        };
        messaging("orders-captured", b -> b.clientInterceptor(signer(ordersKey)).clientInterceptor(capture))
                .publish(new OrderPlaced("c-1"), "c-1");
        Await.until(PATIENCE, "the original handled", () -> handled.contains("c-1 from orders[publisher]"));
        Interceptor replay = (call, next) -> next.proceed(call.withContext(call.context().withMetadata(
                call.context().metadata().withOnly(MessageSigner.HEADER, captured.get()))));

        // Same channel, same payload: only the message id differs.
        messaging("replayer", b -> b.clientInterceptor(replay)).publish(new OrderPlaced("c-1"), "c-1");

        Await.until(PATIENCE, "the copy refused", () -> dead.size() == 1);
        assertThat(handled).containsExactly("c-1 from orders[publisher]");
    }

    @Test
    void aSignatureByAnUntrustedKeyIsRefused() {
        messaging("impostor", b -> b.clientInterceptor(signer(key("orders-1")))).publish(new OrderPlaced("x-1"), "x-1");

        assertRefusedThenIntactHandled(1);
    }

    @Test
    void anExpiredSignatureIsRefused() {
        consumerClock.advance(Duration.ofHours(2)); // published "two hours ago" by the publisher's clock
        messaging("orders-late", b -> b.clientInterceptor(signer(ordersKey))).publish(new OrderPlaced("x-1"), "x-1");

        Await.until(PATIENCE, "the expired event refused", () -> dead.size() == 1);
        assertThat(handled).isEmpty();
    }

    @Test
    void aRefusedEventIsPoisonDeadLetteredAtOnceWithoutRetriesAndTheKeyGoesOn() {
        String ch = "OrderPlaced.retried";
        PublisherVerifier publishers = PublisherVerifier.builder()
                .publisher("orders", new JWKSet(ordersKey.toPublicJWK()).toString(), Set.of("publisher"))
                .clock(consumerClock).build();
        Messaging strict = messaging("billing-strict", b -> b.serverInterceptor(AccessControl.builder()
                .authenticator(publishers).authenticatedByDefault().build())
                .retry(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(1)).build()));
        List<String> mine = new CopyOnWriteArrayList<>();
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        strict.subscribe(ch, OrderPlaced.class, "billing", e -> mine.add(e.order()));
        strict.deadLetters(ch, "billing", letters::add);

        try (LogCapture log = LogCapture.start()) {
            messaging("anonymous", b -> b).publish(ch, new OrderPlaced("unsigned"), "o-1");
            messaging("impostor", b -> b.clientInterceptor(signer(key("orders-1")))).publish(ch, new OrderPlaced("forged"), "o-1");
            messaging("orders-intact", b -> b.clientInterceptor(signer(ordersKey))).publish(ch, new OrderPlaced("good"), "o-1");

            Await.until(PATIENCE, () -> "two refused, the good one handled: " + letters + mine + log,
                    () -> letters.size() == 2 && mine.contains("good"));
            assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).hasSize(2)
                    .allSatisfy(line -> assertThat(line).contains(ch + " group billing: dead-lettering"));
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
        assertThat(mine).containsExactly("good");
        assertThat(strict.deadLettered(true)).as("poison").isEqualTo(2);
        assertThat(strict.deadLettered(false)).as("after retries").isZero();
        for (DeadLetter letter : letters) {
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.reason()).contains(letter.message().id()).contains("UNAUTHENTICATED").contains("expected");
        }
        assertThat(letters).extracting(DeadLetter::reason).anySatisfy(r -> assertThat(r).contains("authentication required"))
                .anySatisfy(r -> assertThat(r).contains("invalid publisher signature"));
    }

    @Test
    void anUnsignedEventIsRefused() {
        messaging("anonymous", b -> b).publish(new OrderPlaced("x-1"), "x-1");

        assertRefusedThenIntactHandled(1);
    }
}
