package io.courier.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
    @Test
    void parsesLiteralsAndVariables() {
        PathTemplate t = PathTemplate.parse("/orders/{id}/items/{itemId}");

        assertThat(t.size()).isEqualTo(4);
        assertThat(t.variableNames()).containsExactly("id", "itemId");
        assertThat(t.literal(0)).isEqualTo("orders");
        assertThat(t.variable(0)).isNull();
        assertThat(t.literal(1)).isNull();
        assertThat(t.variable(1)).isEqualTo("id");
        assertThat(t.template()).isEqualTo("/orders/{id}/items/{itemId}");
    }

    @Test
    void rootAndTrailingSlash() {
        assertThat(PathTemplate.parse("/").size()).isZero();
        assertThat(PathTemplate.parse("/orders/").size()).isEqualTo(1);
        assertThat(PathTemplate.parse("/orders/").sameShape(PathTemplate.parse("/orders"))).isTrue();
    }

    @Test
    void rejectsMalformedTemplates() {
        assertThatThrownBy(() -> PathTemplate.parse(null)).hasMessage("path \"null\" (expected: a path starting with /)");
        assertThatThrownBy(() -> PathTemplate.parse("")).hasMessage("path \"\" (expected: a path starting with /)");
        assertThatThrownBy(() -> PathTemplate.parse("//")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> PathTemplate.parse("/a/{b")).hasMessageContaining("segment \"{b\"");
        assertThatThrownBy(() -> PathTemplate.parse("/a/b}")).hasMessageContaining("segment \"b}\"");
        assertThatThrownBy(() -> PathTemplate.parse("/a/{}")).hasMessageContaining("segment \"{}\"");
        assertThatThrownBy(() -> PathTemplate.parse("/a/{b-c}")).hasMessageContaining("segment \"{b-c}\"");
        assertThatThrownBy(() -> PathTemplate.parse("/{x}/{x}")).hasMessage("path \"/{x}/{x}\" names {x} twice");
    }

    @Test
    void matchesAndDecodesVariables() {
        PathTemplate t = PathTemplate.parse("/orders/{id}/items/{name}");

        assertThat(t.match(List.of("orders", "42", "items", "a%20b%2Fc%2B%F0%9F%98%80"))).containsExactly(
                Map.entry("id", "42"), Map.entry("name", "a b/c+😀"));
        assertThat(t.match(List.of("orders", "42", "items", "a+b"))).as("+ is literal in a path")
                .containsEntry("name", "a+b");
        assertThat(t.match(List.of("orders", "42", "other", "x"))).isNull();
        assertThat(t.match(List.of("orders", "42"))).isNull();
        assertThat(PathTemplate.parse("/ping").match(List.of("ping"))).isEmpty();
    }

    /**
     * A variable's bytes must be UTF-8 once percent-decoded: a byte that starts no character, an
     * overlong form, a truncated sequence or an encoded surrogate is refused naming the variable,
     * where a lenient decoder would hand the handler U+FFFD instead.
     */
    @Test
    void refusesVariablesThatAreNotUtf8OrNotPercentEncoding() {
        PathTemplate t = PathTemplate.parse("/files/{name}");

        assertThatThrownBy(() -> t.match(List.of("files", "%FF"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path name: \"%FF\": %FF is not UTF-8 (expected: text percent-encoded as UTF-8)");
        assertThatThrownBy(() -> t.match(List.of("files", "a%C0%AFb")))
                .hasMessage("path name: \"a%C0%AFb\": %C0 is not UTF-8 (expected: text percent-encoded as UTF-8)");
        assertThatThrownBy(() -> t.match(List.of("files", "%E2%82")))
                .hasMessage("path name: \"%E2%82\": %E2%82 is not UTF-8 (expected: text percent-encoded as UTF-8)");
        assertThatThrownBy(() -> t.match(List.of("files", "%ED%A0%80")))
                .hasMessageContaining("%ED%A0%80 is not UTF-8");
        assertThatThrownBy(() -> t.match(List.of("files", "%E2%82x%AC")))
                .as("a character split by a literal").hasMessageContaining("%E2%82 is not UTF-8");
        assertThatThrownBy(() -> t.match(List.of("files", "a%zz")))
                .hasMessage("path name: \"a%zz\": %zz is not a percent-escape (expected: % followed by two hex digits)");
        assertThatThrownBy(() -> t.match(List.of("files", "a%F")))
                .hasMessage("path name: \"a%F\": %F is not a percent-escape (expected: % followed by two hex digits)");
        assertThatThrownBy(() -> t.match(List.of("files", "%" + "F".repeat(300))))
                .as("the value is quoted cut").hasMessageStartingWith("path name: \"%FFF").hasMessageContaining("...\": ");
        assertThat(t.match(List.of("files", "%E2%82%AC%c3%a9"))).containsEntry("name", "€é");
        assertThat(t.match(List.of("files", "%25FF"))).containsEntry("name", "%FF");
    }

    @Test
    void expandEncodesEveryValueAsOneSegment() {
        PathTemplate t = PathTemplate.parse("/orders/{id}/items/{name}");

        String path = t.expand(Map.of("id", "42", "name", "a b/c+d?e#f%g 😀"));

        assertThat(path).isEqualTo("/orders/42/items/a%20b%2Fc%2Bd%3Fe%23f%25g%20%F0%9F%98%80");
        assertThat(t.match(PathTemplate.split(path))).containsEntry("name", "a b/c+d?e#f%g 😀");
        assertThat(PathTemplate.parse("/").expand(Map.of())).isEqualTo("/");
        assertThatThrownBy(() -> t.expand(Map.of("id", "1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path variable {name}: null (expected: a value)");
    }

    @Test
    void splitsRawPaths() {
        assertThat(PathTemplate.split("/")).isEmpty();
        assertThat(PathTemplate.split("/a")).containsExactly("a");
        assertThat(PathTemplate.split("/a/b/")).containsExactly("a", "b");
        assertThat(PathTemplate.split("/a//b")).containsExactly("a", "", "b");
    }

    @Test
    void sameShapeIgnoresVariableNames() {
        assertThat(PathTemplate.parse("/a/{x}").sameShape(PathTemplate.parse("/a/{y}"))).isTrue();
        assertThat(PathTemplate.parse("/a/{x}").sameShape(PathTemplate.parse("/a/b"))).isFalse();
        assertThat(PathTemplate.parse("/a/{x}").sameShape(PathTemplate.parse("/a/{x}/c"))).isFalse();
    }
}
