package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HeadlessFirefox against the machine's Firefox over WebDriver BiDi: a page loads, its DOM is
 * read, a change it makes later is awaited, what it logs is kept, an exception names the
 * expression, and a screenshot is a PNG. Skipped with a notice where no Firefox is installed;
 * fails instead when {@code CI=true}.
 */
class HeadlessFirefoxTest {
    private static final String PAGE = "<title>t</title><p id=n>0</p><script>console.warn('hello', 42);"
            + " setTimeout(() => { document.getElementById('n').textContent = '1'; }, 300);</script>";

    @TempDir
    Path dir;

    @Test
    void drivesAPageOverWebDriverBiDi() {
        var firefox = HeadlessFirefox.executable();
        if (firefox.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no firefox-esr on the PATH, and CI=true (expected: apt-get install firefox-esr)");
        }
        if (firefox.isEmpty()) {
            System.out.println("HeadlessFirefoxTest skipped: no firefox-esr on the PATH (apt-get install firefox-esr)");
        }
        Assumptions.assumeTrue(firefox.isPresent(), "firefox-esr on the PATH");
        try (HeadlessBrowser browser = HeadlessFirefox.start(firefox.get())) {
            browser.navigate(URI.create("data:text/html," + URLEncoder.encode(PAGE, StandardCharsets.UTF_8).replace("+", "%20")));
            assertThat(browser.evaluate("document.title").asText()).isEqualTo("t");
            assertThat(browser.evaluate("({a: [1, 'b'], c: null})").toString()).isEqualTo("{\"a\":[1,\"b\"],\"c\":null}");
            assertThat(browser.evaluate("Promise.resolve(7)").asInt()).isEqualTo(7);
            assertThat(browser.evaluate("undefined").isMissingNode()).isTrue();
            browser.awaitTrue(Duration.ofSeconds(10), "document.getElementById('n').textContent === '1'");
            assertThatThrownBy(() -> browser.awaitTrue(Duration.ofMillis(100), "document.title === 'never'"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("document.title === 'never'");
            assertThatThrownBy(() -> browser.evaluate("nosuchthing.x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nosuchthing");
            Await.until(Duration.ofSeconds(10), () -> "the warning in " + browser.console(),
                    () -> browser.console().contains("warn: hello 42"));
            Path png = browser.screenshot(dir.resolve("shot.png"));
            assertThat(Files.exists(png)).isTrue();
            byte[] head = readHead(png);
            assertThat(head).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    private static byte[] readHead(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            return java.util.Arrays.copyOf(all, 4);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
