package io.courier.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** How a raw query is split and decoded: as Netty split it, strictly decoded. */
class QueryStringTest {
    @Test
    void aNameWithoutEqualsIsEmptyAndDoesNotTakeTheNextParametersValue() {
        MultiMap q = ServerExchange.query("a&b=1;c=x%3Dy&d=#e=2");
        assertThat(q.get("a")).isEmpty();
        assertThat(q.get("b")).isEqualTo("1");
        assertThat(q.get("c")).isEqualTo("x=y");
        assertThat(q.get("d")).isEmpty();
        assertThat(q.contains("e")).as("after the fragment").isFalse();
    }

    @Test
    void manyParametersWithoutValuesBeforeOneWithAValueAreEachRead() {
        // Each parameter's '=' is looked for within it only, so this is read in one pass.
        String raw = "a&".repeat(5_000) + "z=1";
        MultiMap q = ServerExchange.query(raw);
        assertThat(q.getAll("a")).hasSize(5_000).allMatch(String::isEmpty);
        assertThat(q.get("z")).isEqualTo("1");
    }
}
