package io.courier.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMembersTest {
    private final JsonMembers members = new JsonMembers(Limits.builder().maxNestingDepth(8).build());

    private Map<String, String> split(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        members.split(json.getBytes(StandardCharsets.UTF_8))
                .forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void eachMemberKeepsTheBytesItWasWrittenWith() {
        assertThat(split(" { \"id\" : \"a\\\"b\", \"n\":-1.5e3, \"items\":[1, {\"x\":null}], \"ok\":true } "))
                .containsExactly(Map.entry("id", "\"a\\\"b\""), Map.entry("n", "-1.5e3"),
                        Map.entry("items", "[1, {\"x\":null}]"), Map.entry("ok", "true"));
        assertThat(split("{}")).isEmpty();
    }

    @Test
    void malformedOrTooDeepJsonIsTheCallersMistakeNamingWhere() {
        assertThatThrownBy(() -> split("{\"id\": }")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("request message: invalid JSON at byte");
        assertThatThrownBy(() -> split("[1]")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("expected: '{'");
        assertThatThrownBy(() -> split("{} {}")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("the end of the message");
        assertThatThrownBy(() -> split("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nesting depth");
    }
}
