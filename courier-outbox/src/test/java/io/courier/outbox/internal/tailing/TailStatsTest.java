package io.courier.outbox.internal.tailing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a log-tailing relay reports of its latency. */
class TailStatsTest {
    @Test
    void noLatencyIsReportedBeforeTheFirstCommitRelayed() {
        assertThat(new TailStats().relayMicros()).isEqualTo(-1);
    }

    @Test
    void aConfirmationTheClocksPutBeforeItsCommitIsALatencyOfZeroNotNone() {
        TailStats stats = new TailStats();

        stats.relayed(-400); // a commit and its confirmation in one millisecond, or the server's clock ahead

        assertThat(stats.relayMicros()).isZero();
        stats.relayed(1_250);
        assertThat(stats.relayMicros()).isEqualTo(1_250);
    }
}
