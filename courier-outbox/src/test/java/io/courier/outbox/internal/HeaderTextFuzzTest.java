package io.courier.outbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.Metadata;
import java.nio.charset.StandardCharsets;

/**
 * The outbox's header column from hostile text (a row written by hand or by another tool):
 * {@link HeaderText#decode} gives headers or the documented {@link IllegalArgumentException},
 * and headers decoded encode to text that decodes to the same headers. Without
 * {@code JAZZER_FUZZ} it replays the inputs under {@code HeaderTextFuzzTestInputs}.
 */
class HeaderTextFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void headersDecodeOrAreRefused(byte[] input) {
        Metadata headers;
        try {
            headers = HeaderText.decode(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(HeaderText.decode(HeaderText.encode(headers))).isEqualTo(headers);
    }
}
