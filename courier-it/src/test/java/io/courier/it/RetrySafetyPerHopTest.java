package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.CourierException;
import io.courier.InvalidArgumentException;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.resilience.Retry;
import io.courier.test.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Only the hop that failed before doing anything may say "safe to retry". The caller calls B
 * (a non-idempotent POST, with a retrying client); B's handler writes something, then calls C,
 * which is down. C's refusal is retry-safe for B's client, but B has already written: if B's
 * caller saw it as retry-safe, it would send the order again and B would write twice.
 */
class RetrySafetyPerHopTest {
    @Service("stock")
    public interface Stock {
        @Post("/reserve")
        String reserve(String sku);
    }

    @Service("orders")
    public interface Orders {
        @Post("/orders")
        String place(String sku);
    }

    private final Courier c = Courier.builder().name("stock").discovery(StaticDiscovery.create()).build();
    private final Courier b = Courier.builder().name("orders").discovery(StaticDiscovery.create()).build();
    private final Courier a = Courier.builder().name("front").discovery(StaticDiscovery.create()).build();

    @AfterEach
    void close() {
        a.close();
        b.close();
        c.close();
    }

    @Test
    void aDownstreamRefusalThatEscapesAHandlerIsNotRetrySafeForItsCaller() {
        c.serve(Stock.class, sku -> "reserved " + sku);
        URI stockUri = c.uri();
        c.close(); // C is down: B's calls to it are refused before doing anything
        AtomicInteger written = new AtomicInteger();
        Stock stock = b.client(Stock.class).target(stockUri).build();
        b.serve(Orders.class, sku -> {
            written.incrementAndGet(); // B's own effect, before the call that fails
            return stock.reserve(sku);
        });
        Orders orders = a.client(Orders.class).target(b.uri())
                .interceptor(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).build())
                .build();

        Throwable thrown;
        try (LogCapture log = LogCapture.start()) {
            thrown = catchThrowable(() -> orders.place("sku-1"));
            assertThat(log.lines("WARN")).as("B logs what C said, with the error id it sends")
                    .anySatisfy(l -> assertThat(l).contains("orders.place").contains("error id")
                            .contains(String.valueOf(stockUri.getPort())));
        }

        assertThat(written).as("B's handler ran once: its caller did not retry").hasValue(1);
        assertThat(thrown).isInstanceOf(UnavailableException.class);
        CourierException error = (CourierException) thrown;
        assertThat(error.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(error.retrySafe()).as("only the hop that refused may say safe to retry").isFalse();
        assertThat(error.getMessage()).contains("orders.place").contains("error id")
                .doesNotContain(String.valueOf(stockUri.getPort())).doesNotContain("stock.reserve");
    }

    @Test
    void aRefusalTheHandlerThrowsItselfStillPassesAsItIs() {
        b.serve(Orders.class, sku -> {
            throw new InvalidArgumentException("sku: " + sku + " (expected: a known SKU)");
        });
        Orders orders = a.client(Orders.class).target(b.uri()).build();

        Throwable thrown = catchThrowable(() -> orders.place("nope"));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("sku: nope (expected: a known SKU)");
    }
}
