package io.courier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizes reach the listeners, those reported before a listener included, and a long stream keeps only a bounded history. */
class MessageSizesTest {
    @Test
    void listenersHearEverySizeAndTheEarlierOnes() {
        MessageSizes sizes = MessageSizes.create();
        sizes.request(10);
        List<Long> requests = new ArrayList<>();
        List<Long> responses = new ArrayList<>();
        sizes.onRequest(requests::add);
        sizes.onResponse(responses::add);
        sizes.request(20);
        sizes.response(30);
        assertThat(requests).containsExactly(10L, 20L);
        assertThat(responses).containsExactly(30L);
    }

    @Test
    void aLongStreamKeepsOnlyTheFirstSizesForLateListeners() {
        MessageSizes sizes = MessageSizes.create();
        List<Long> early = new ArrayList<>();
        sizes.onResponse(early::add);
        for (int i = 0; i < 100_000; i++) {
            sizes.response(i);
        }
        List<Long> late = new ArrayList<>();
        sizes.onResponse(late::add);
        assertThat(early).hasSize(100_000);
        assertThat(late).hasSize(MessageSizes.HISTORY).startsWith(0L, 1L, 2L);
    }
}
