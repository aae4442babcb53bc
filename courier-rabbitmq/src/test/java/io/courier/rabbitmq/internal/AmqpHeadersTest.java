package io.courier.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Metadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Headers to an AMQP table and back: one value as a string, several as a list in order, skipped names left out. */
class AmqpHeadersTest {
    @Test
    void repeatedHeadersTravelAsAListInOrder() {
        Metadata headers = Metadata.of("x-tenant", "acme").with("x-tag", "a").with("courier-id", "m-1")
                .with("x-tag", "b").with("x-tag", "c");

        Map<String, Object> table = AmqpHeaders.write(headers, Set.of("courier-id"));

        assertThat(table).containsOnlyKeys("x-tenant", "x-tag");
        assertThat(table.get("x-tenant")).isEqualTo("acme");
        assertThat(table.get("x-tag")).isEqualTo(List.of("a", "b", "c"));

        Metadata.Builder back = Metadata.builder();
        AmqpHeaders.readInto(table, back);
        assertThat(back.build()).isEqualTo(headers.without("courier-id"));
    }
}
