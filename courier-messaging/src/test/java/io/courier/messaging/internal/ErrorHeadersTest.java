package io.courier.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CourierException;
import io.courier.FailedPreconditionException;
import io.courier.Metadata;
import io.courier.messaging.MessageHeaders;
import io.courier.spi.WireText;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorHeadersTest {
    @Test
    void longMessageAndDetailsAreBoundedAndTheTypeSurvives() {
        CourierException error = new FailedPreconditionException("é".repeat(100_000),
                Map.of("dump", "d".repeat(10_000)));

        Metadata headers = ErrorHeaders.write(error);
        CourierException read = ErrorHeaders.read(headers);

        String message = headers.get(MessageHeaders.ERROR_MESSAGE).orElseThrow();
        assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(WireText.MAX_MESSAGE_BYTES);
        assertThat(read).isInstanceOf(FailedPreconditionException.class);
        assertThat(read.getMessage()).isEqualTo(message).startsWith("éé").endsWith(WireText.MARKER);
        assertThat(read.details().get("dump")).endsWith(WireText.MARKER).hasSizeLessThan(WireText.MAX_DETAILS_BYTES);
    }
}
