package io.courier.outbox.internal.tailing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotTest {
    @Test
    void tellsFinishedTransactionsFromRunningOnes() {
        Snapshot s = Snapshot.parse("100:110:103,107");
        assertThat(s.finished(99)).isTrue();      // before xmin
        assertThat(s.finished(104)).isTrue();     // between, not running
        assertThat(s.finished(103)).isFalse();    // running
        assertThat(s.finished(110)).isFalse();    // not finished when the snapshot was taken
        assertThat(s.finished(120)).isFalse();
    }

    @Test
    void placesA32BitIdInItsEpoch() {
        long epoch = 5L << 32;
        Snapshot s = Snapshot.parse((epoch + 10) + ":" + (epoch + 20) + ":" + (epoch + 12));
        assertThat(s.finished(15)).isTrue();
        assertThat(s.finished(12)).isFalse();
        // Just before the wrap: the previous epoch, long finished.
        assertThat(s.finished((int) 0xffff_fff0L)).isTrue();
        Snapshot beforeWrap = Snapshot.parse((epoch - 20) + ":" + (epoch - 5) + ":" + (epoch - 10));
        assertThat(beforeWrap.finished((int) 0xffff_fff6L)).isFalse();   // epoch - 10, running
        assertThat(beforeWrap.finished((int) 0xffff_fff7L)).isTrue();
        assertThat(beforeWrap.finished(3)).isFalse();                     // after the wrap: not yet
    }

    @Test
    void refusesWhatIsNotASnapshot() {
        assertThatThrownBy(() -> Snapshot.parse("1:2"))
                .hasMessage("snapshot: 1:2 (expected: xmin:xmax:xip,...)");
    }
}
