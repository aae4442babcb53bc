package io.courier.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A headless browser a test drives: {@link HeadlessChromium} (over the DevTools protocol) or
 * {@link HeadlessFirefox} (over WebDriver BiDi), each the machine's own browser in a fresh
 * profile, with one tab. A test written against this runs in both.
 *
 * <pre>{@code
 * try (HeadlessBrowser browser = HeadlessFirefox.start(HeadlessFirefox.executable().orElseThrow())) {
 *     browser.navigate(URI.create("http://127.0.0.1:8081/console/"));
 *     browser.awaitTrue(Duration.ofSeconds(10), "document.querySelector('#graph') !== null");
 * }
 * }</pre>
 *
 * <p>Not thread-safe beyond one test driving it at a time.
 */
public interface HeadlessBrowser extends AutoCloseable {
    /**
     * Loads {@code page} in the tab and waits until it is the tab's document and loaded.
     *
     * @throws IllegalStateException when the browser cannot load it
     */
    void navigate(URI page);

    /**
     * Evaluates a JavaScript expression in the page and returns its value as JSON (a promise is
     * awaited first; {@code undefined} is a missing node).
     *
     * @throws IllegalStateException when the expression throws (the exception's text is in the message)
     */
    JsonNode evaluate(String expression);

    /** A PNG of the tab's viewport. */
    byte[] png();

    /** Saves a PNG of the tab's viewport to {@code file} (directories created) and returns it. */
    default Path screenshot(Path file) {
        byte[] png = png();
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the screenshot " + file, e);
        }
    }

    /** What the page logged ({@code console.*}) and threw, oldest first, as {@code level: text}. */
    List<String> console();

    /**
     * Waits until the JavaScript {@code condition} is true in the page, checking it every 20 ms
     * in the page itself.
     *
     * @throws AssertionError naming the condition, with the page's text and console, when it is
     *         still false after {@code patience}
     */
    default void awaitTrue(Duration patience, String condition) {
        String poll = "new Promise(done => { const end = Date.now() + " + patience.toMillis() + ";"
                + " const check = () => { let ok = false; try { ok = !!(" + condition + "); } catch (e) { }"
                + " if (ok) done(true); else if (Date.now() > end) done(false); else setTimeout(check, 20); };"
                + " check(); })";
        if (!evaluate(poll).asBoolean()) {
            String text;
            try {
                text = evaluate("document.body ? document.body.innerText : ''").asText();
            } catch (RuntimeException e) {
                text = "(unreadable: " + e.getMessage() + ")";
            }
            throw new AssertionError("not within " + patience.toMillis() + " ms: " + condition
                    + "; the page shows: " + text + "; its console: " + console());
        }
    }

    /**
     * Waits until {@code page} is the tab's document and loaded ({@code document.readyState} is
     * {@code complete}): what {@link #navigate} does once the browser took the address.
     *
     * @throws AssertionError when it is not within {@code patience}
     */
    default void awaitLoaded(URI page, Duration patience) {
        String href = new ObjectMapper().valueToTree(page.toString()).toString(); // a JavaScript string
        awaitTrue(patience, "location.href === new URL(" + href + ").href && document.readyState === 'complete'");
    }

    /** Closes the browser and deletes its profile directory. */
    @Override
    void close();
}
