package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.annotation.Service;
import io.courier.avro.AvroCodec;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages in Avro: each is labelled with its writer schema's fingerprint, as over REST, and read
 * by the codec through that label, for events, commands and their replies.
 */
class AvroMessagesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    public record Priced(String order, long cents) {
    }

    public record Quote(String order, long cents, String currency) {
    }

    @Service("pricing")
    public interface Pricing {
        CompletableFuture<Quote> quote(Priced request);
    }

    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging a = Messaging.builder().name("a").broker(broker).codec(AvroCodec.create()).build();
    private final Messaging b = Messaging.builder().name("b").broker(broker).codec(AvroCodec.create()).build();

    @AfterEach
    void close() {
        a.close();
        b.close();
        broker.close();
    }

    @Test
    void eventsAndCommandsTravelInAvroLabelledWithTheirSchema() throws Exception {
        List<Priced> seen = new CopyOnWriteArrayList<>();
        List<String> labels = new CopyOnWriteArrayList<>();
        b.subscribe(Priced.class, "audit", seen::add);
        broker.subscribe(Messaging.channelOf(Priced.class), "labels", d -> {
            labels.add(d.message().contentType().orElse("none"));
            d.ack();
        });
        b.handle(Pricing.class, request -> CompletableFuture.completedFuture(
                new Quote(request.order(), request.cents() + 250, "EUR")));

        a.publish(new Priced("o-1", 1200), "o-1");
        Quote quote = a.commands(Pricing.class, PATIENCE).quote(new Priced("o-2", 800)).get();

        Await.until(PATIENCE, "the event handled", () -> !seen.isEmpty() && !labels.isEmpty());
        assertThat(seen).containsExactly(new Priced("o-1", 1200));
        assertThat(quote).isEqualTo(new Quote("o-2", 1050, "EUR"));
        assertThat(labels.get(0)).startsWith(AvroCodec.MEDIA_TYPE + ";").contains(AvroCodec.FINGERPRINT + "=");
    }
}
