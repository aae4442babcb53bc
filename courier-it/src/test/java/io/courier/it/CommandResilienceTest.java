package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.UnavailableException;
import io.courier.annotation.Service;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitOpenException;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A command client takes the same policies as a REST or gRPC client: retries within a budget, breakers. */
class CommandResilienceTest {
    @Service("stock")
    public interface Stock {
        int reserve(String sku);
    }

    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging stockSide = Messaging.builder().name("stock").broker(broker).codec(JsonCodec.create()).build();
    private final Messaging orderSide = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create()).build();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void close() {
        orderSide.close();
        stockSide.close();
        broker.close();
    }

    @Test
    void aRetrySafeRefusalIsRetriedWithinTheBudgetUntilTheCommandSucceeds() {
        stockSide.handle(Stock.class, sku -> {
            if (handled.incrementAndGet() < 3) {
                throw new UnavailableException("stock is warming up"); // refused before doing anything
            }
            return 7;
        });
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build())
                .build();
        Stock stock = orderSide.client(Stock.class).timeout(Duration.ofSeconds(10)).interceptor(resilience).build();

        assertThat(stock.reserve("sku-1")).isEqualTo(7);
        assertThat(handled).as("two refusals, then the answer").hasValue(3);
    }

    @Test
    void theBreakerOpensOnFailingCommandsAndThenFailsFastWithoutSending() {
        stockSide.handle(Stock.class, sku -> {
            handled.incrementAndGet();
            throw new UnavailableException("stock is down");
        });
        CircuitBreaker breaker = CircuitBreaker.builder("stock-commands").countWindow(4).minimumCalls(4)
                .failureRateThreshold(50).waitInOpen(Duration.ofMinutes(1)).build();
        Stock stock = orderSide.client(Stock.class).timeout(Duration.ofSeconds(10))
                .interceptor(Resilience.builder().serviceBreaker(breaker).build()).build();

        for (int i = 0; i < 4; i++) {
            assertThat(catchThrowable(() -> stock.reserve("sku"))).isInstanceOf(UnavailableException.class);
        }
        Throwable fast = catchThrowable(() -> stock.reserve("sku"));

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(fast).isInstanceOf(CircuitOpenException.class);
        assertThat(handled).as("the fifth command was never sent").hasValue(4);
    }
}
