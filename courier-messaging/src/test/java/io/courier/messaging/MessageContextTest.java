package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A handler sees the message and the group it runs for; nothing is there outside a handler. */
class MessageContextTest {
    @Test
    void aHandlerSeesItsMessageAndGroup() {
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create()).build()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            messaging.subscribe(OrderCreated.class, "billing", e -> {
                MessageContext ctx = MessageContext.current().orElseThrow();
                seen.add(ctx.group() + " " + ctx.message().id() + " " + ctx.message().partitionKey().orElse("-"));
            });
            String id = messaging.publish(new OrderCreated("o-1", 1), "o-1");
            Await.until(Duration.ofSeconds(10), "handled", () -> !seen.isEmpty());
            assertThat(seen).containsExactly("billing " + id + " o-1");
            assertThat(MessageContext.current()).as("outside a handler").isEmpty();
        }
    }
}
