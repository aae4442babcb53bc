package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RabbitConfig} is a value: built, compared, copied and checked like one. No broker needed. */
class ConfigValuesTest {
    private static RabbitConfig sample() {
        return RabbitConfig.builder().host("rabbit.internal").credentials("orders", "s3cret").virtualHost("/shop")
                .partitions(16).namespace("test").build();
    }

    @Test
    void aBuiltConfigEqualsTheRecordOfTheSameValues() {
        RabbitConfig record = new RabbitConfig("127.0.0.1", 5672, "guest", "guest", "/", 256, 8, "",
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5));

        assertThat(RabbitConfig.defaults()).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(sample()).isEqualTo(sample()).isNotEqualTo(record);
        assertThat(sample().toBuilder().credentials("orders", "other").build()).isNotEqualTo(sample());
    }

    @Test
    void toBuilderRoundTripsAndMakesVariants() {
        RabbitConfig c = sample();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        RabbitConfig variant = c.toBuilder().prefetch(32).build();
        assertThat(variant.prefetch()).isEqualTo(32);
        assertThat(variant.password()).isEqualTo("s3cret");
        assertThat(c.prefetch()).isEqualTo(256);
    }

    @Test
    void toStringLeavesThePasswordOut() {
        assertThat(sample().toString()).contains("host=rabbit.internal", "username=orders", "partitions=16")
                .doesNotContain("s3cret");
    }

    @Test
    void theConstructorRefusesWhatTheBuilderRefuses() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RabbitConfig("h", 0, "u", "p", "/", 1, 1, "", s, s, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> new RabbitConfig("h", 1, "u", "p", "/", 1, 2000, "", s, s, s))
                .hasMessage("partitions: 2000 (expected: 1..1024)");
        assertThatThrownBy(() -> new RabbitConfig("", 1, "u", "p", "/", 1, 1, "", s, s, s))
                .hasMessage("host: \"\" (expected: a non-blank string)");
        assertThatThrownBy(() -> new RabbitConfig("h", 1, "u", "p", "/", 1, 1, "", s, Duration.ZERO, s))
                .hasMessage("publishTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new RabbitConfig("h", 1, "u", null, "/", 1, 1, "", s, s, s))
                .isInstanceOf(NullPointerException.class).hasMessage("password");
    }
}
