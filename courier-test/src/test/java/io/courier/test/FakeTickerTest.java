package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeTickerTest {
    @Test
    void standsStillUntilAdvanced() {
        FakeTicker ticker = FakeTicker.startingAt(500);

        assertThat(ticker.nanoTime()).isEqualTo(500);
        ticker.advance(Duration.ofMillis(2)).advanceNanos(3);
        assertThat(ticker.nanoTime()).isEqualTo(500 + 2_000_000 + 3);
    }

    @Test
    void drivesDeadlines() {
        FakeTicker ticker = FakeTicker.create();
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), ticker);

        ticker.advance(Duration.ofMillis(999));
        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(1));
        ticker.advance(Duration.ofMillis(1));
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void refusesToGoBack() {
        FakeTicker ticker = FakeTicker.create();

        assertThatThrownBy(() -> ticker.advance(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount: PT-0.000000001S (expected: >= 0; a ticker never goes back)");
        assertThatThrownBy(() -> ticker.advanceNanos(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void advancesAtomicallyFromManyThreads() throws Exception {
        FakeTicker ticker = FakeTicker.startingAt(0);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 10_000; j++) {
                    ticker.advanceNanos(1);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(ticker.nanoTime()).isEqualTo(80_000);
    }
}
