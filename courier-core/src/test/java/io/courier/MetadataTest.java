package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {
    @Test
    void namesAreCaseInsensitive() {
        Metadata m = Metadata.of("X-Tenant", "acme");

        assertThat(m.get("x-tenant")).contains("acme");
        assertThat(m.get("X-TENANT")).contains("acme");
        assertThat(m.names()).containsExactly("x-tenant");
        assertThat(m.get("x-other")).isEmpty();
    }

    @Test
    void keepsEveryValueInOrder() {
        Metadata m = Metadata.empty().with("accept", "a").with("Accept", "b").with("x", "1");

        assertThat(m.getAll("ACCEPT")).containsExactly("a", "b");
        assertThat(m.get("accept")).contains("a");
        assertThat(m.getAll("missing")).isEmpty();
        assertThat(m.names()).containsExactly("accept", "x");
    }

    @Test
    void isImmutable() {
        Metadata original = Metadata.of("a", "1");
        Metadata changed = original.with("a", "2").with("b", "3");

        assertThat(original.getAll("a")).containsExactly("1");
        assertThat(original.names()).containsExactly("a");
        assertThat(changed.getAll("a")).containsExactly("1", "2");
        assertThatThrownBy(() -> changed.asMap().put("c", List.of("4"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> changed.getAll("a").add("5")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withOnlyReplacesAndWithoutRemoves() {
        Metadata m = Metadata.empty().with("a", "1").with("a", "2").with("b", "3");

        assertThat(m.withOnly("A", "9").getAll("a")).containsExactly("9");
        assertThat(m.without("A").names()).containsExactly("b");
        assertThat(m.without("absent")).isSameAs(m);
    }

    @Test
    void withAllAddsEveryValue() {
        Metadata a = Metadata.of("x", "1");
        Metadata b = Metadata.empty().with("x", "2").with("y", "3");

        Metadata both = a.withAll(b);

        assertThat(both.getAll("x")).containsExactly("1", "2");
        assertThat(both.get("y")).contains("3");
    }

    @Test
    void fromAMapOfSingleValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("A", "1");
        values.put("b", "2");

        Metadata m = Metadata.of(values);

        assertThat(m.asMap()).containsExactly(Map.entry("a", List.of("1")), Map.entry("b", List.of("2")));
    }

    @Test
    void equalityIgnoresNameCase() {
        assertThat(Metadata.of("X-A", "1")).isEqualTo(Metadata.of("x-a", "1"));
        assertThat(Metadata.of("X-A", "1")).hasSameHashCodeAs(Metadata.of("x-a", "1"));
        assertThat(Metadata.of("x-a", "1")).isNotEqualTo(Metadata.of("x-a", "2"));
        assertThat(Metadata.empty().isEmpty()).isTrue();
        assertThat(Metadata.of("a", "1").isEmpty()).isFalse();
    }

    @Test
    void rejectsEmptyNamesAndNulls() {
        assertThatThrownBy(() -> Metadata.of("", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: \"\" (expected: a non-empty header name)");
        assertThatThrownBy(() -> Metadata.of(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> Metadata.of("a", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    }

    @Test
    void builderCollectsRepeatedHeadersOnceAndMatchesWith() {
        Metadata built = Metadata.builder().add("X-A", "1").add("b", "2").add("x-a", "3").build();
        assertThat(built).isEqualTo(Metadata.of("x-a", "1").with("b", "2").with("x-a", "3"));
        assertThat(built.getAll("X-A")).containsExactly("1", "3");
        assertThat(Metadata.builder().build()).isSameAs(Metadata.empty());
        assertThatThrownBy(() -> Metadata.builder().add("a", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("value");
    }

    @Test
    void forEachGivesEveryPairInTheOrderAdded() {
        Metadata m = Metadata.of("x-a", "1").with("B", "2").with("x-a", "3");
        List<String> seen = new java.util.ArrayList<>();
        m.forEach((name, value) -> seen.add(name + "=" + value));
        assertThat(seen).containsExactly("x-a=1", "b=2", "x-a=3");
        assertThat(m.asMap()).containsExactly(Map.entry("x-a", List.of("1", "3")), Map.entry("b", List.of("2")));
        assertThat(m.names()).containsExactly("x-a", "b");
    }

    @Test
    void withoutKeepsTheOthersInOrderAndEmptiesToTheSharedEmpty() {
        Metadata m = Metadata.of("a", "1").with("b", "2").with("a", "3").with("c", "4");
        assertThat(m.without("A").asMap()).containsExactly(Map.entry("b", List.of("2")), Map.entry("c", List.of("4")));
        assertThat(Metadata.of("a", "1").with("a", "2").without("a")).isSameAs(Metadata.empty());
        assertThat(m.without("absent")).isSameAs(m);
        assertThat(m.withAll(Metadata.empty())).isSameAs(m);
        assertThat(Metadata.empty().withAll(m)).isSameAs(m);
    }

    @Test
    void equalityIsPerNameWhateverTheOrderOfNames() {
        assertThat(Metadata.of("a", "1").with("b", "2")).isEqualTo(Metadata.of("b", "2").with("a", "1"))
                .hasSameHashCodeAs(Metadata.of("b", "2").with("a", "1"));
        assertThat(Metadata.of("a", "1").with("a", "2")).isNotEqualTo(Metadata.of("a", "2").with("a", "1"));
    }
}
