package io.courier.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import io.courier.test.HeadlessBrowser;
import io.courier.test.HeadlessFirefox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console in headless Firefox (driven over WebDriver BiDi by courier-test's
 * {@link HeadlessFirefox}), read from its DOM: each view renders, and the page follows the
 * system live, without a reload (an instance stopped turns red, its breaker opens, a dead letter
 * appears); a console whose viewing needs a token shows its sign-in page, and once signed in the
 * console itself, live. Saves screenshots under {@code target/console-screenshots/firefox-*}.
 *
 * <p>Skipped with a notice where no Firefox is installed; fails instead when {@code CI=true}.
 */
class ConsoleFirefoxTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    private ShopSystem system;
    private HeadlessBrowser browser;
    private Path firefox;

    @BeforeEach
    void findFirefox() {
        Optional<Path> found = HeadlessFirefox.executable();
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no firefox-esr on the PATH, and CI=true (expected: apt-get install firefox-esr)");
        }
        if (found.isEmpty()) {
            System.out.println("ConsoleFirefoxTest skipped: no firefox-esr on the PATH (apt-get install firefox-esr)");
        }
        assumeTrue(found.isPresent(), "firefox-esr on the PATH");
        firefox = found.get();
    }

    private void start(Consumer<Console.Builder> console) {
        system = new ShopSystem(console);
        browser = HeadlessFirefox.start(firefox);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void everyViewRendersAndFollowsTheSystemLive() {
        start(c -> { });
        for (int i = 0; i < 8; i++) {
            system.client.item("a" + i);
        }
        browser.navigate(system.console());
        browser.awaitTrue(PATIENCE, """
                document.querySelectorAll('#node-stock .dot.up').length === 2
                && document.querySelector('#node-shop') !== null
                && document.querySelector('.edge[data-from=shop][data-to=stock][data-style=gRPC]') !== null
                && document.querySelector('.edge[data-from=Restocked][data-to=stock][data-style=event]') !== null""");
        browser.screenshot(SHOTS.resolve("firefox-topology.png"));
        browser.awaitTrue(PATIENCE, "Number(document.body.dataset.updates) >= 2"); // the stream keeps coming

        // Live, without a reload: an instance stops, its breaker opens; a dead letter comes.
        system.stock2.close();
        for (int i = 0; i < 6; i++) {
            system.client.item("b" + i);
        }
        system.client.item("poison");
        browser.awaitTrue(PATIENCE, "document.querySelector('#node-stock').classList.contains('down')"
                + " && document.querySelector('#instance-stock-2').getAttribute('data-up') === 'false'");
        browser.evaluate("document.querySelector('button[data-tab=resilience]').click()");
        browser.awaitTrue(PATIENCE, "document.querySelectorAll('#breakers tr[data-state=open]').length === 1"
                + " && getComputedStyle(document.querySelector('#breakers td.state-open')).color === 'rgb(207, 34, 46)'");
        browser.screenshot(SHOTS.resolve("firefox-resilience.png"));
        browser.evaluate("document.querySelector('button[data-tab=messaging]').click()");
        browser.awaitTrue(PATIENCE, "document.querySelector('#groups tbody tr') !== null"
                + " && document.querySelector('#dead-letters').textContent.includes('cannot restock poison yet')");
        browser.screenshot(SHOTS.resolve("firefox-messaging.png"));
        browser.evaluate("document.querySelector('button[data-tab=contracts]').click()");
        browser.awaitTrue(PATIENCE, "document.querySelector('#contract-service option[value=stock]') !== null");
        browser.evaluate("(() => { const s = document.querySelector('#contract-service'); s.value = 'stock';"
                + " s.dispatchEvent(new Event('change')); })()");
        browser.awaitTrue(PATIENCE, "document.querySelector('form.try input[name=path]') !== null"
                + " && document.querySelector('form.try input[name=path]').value === '/stock/{sku}'");
        browser.screenshot(SHOTS.resolve("firefox-contracts.png"));
    }

    @Test
    void aConsoleThatNeedsATokenToBeViewedSignsInAndThenUpdatesLive() {
        start(c -> c.viewRequires(ConsoleFirefoxTest::authenticate, "viewer"));
        browser.navigate(system.console());
        browser.awaitTrue(PATIENCE, "document.querySelector('form#sign-in') !== null"
                + " && document.querySelector('#graph') === null");
        browser.screenshot(SHOTS.resolve("firefox-sign-in.png"));
        browser.evaluate("(() => { document.querySelector('#token').value = 'guest';"
                + " document.querySelector('form#sign-in button').click(); })()");
        awaitAcrossReload("document.querySelector('#reason') !== null"
                + " && document.querySelector('#reason').textContent.includes('may not view')");
        browser.evaluate("(() => { document.querySelector('#token').value = 'viewer';"
                + " document.querySelector('form#sign-in button').click(); })()");
        awaitAcrossReload("document.querySelector('#graph') !== null"
                + " && document.querySelectorAll('#node-stock .dot.up').length === 2");
        browser.awaitTrue(PATIENCE, "Number(document.body.dataset.updates) >= 2");
        system.stock2.close();
        browser.awaitTrue(PATIENCE, "document.querySelector('#instance-stock-2').getAttribute('data-up') === 'false'");
    }

    /** As awaitTrue, through the page reloading itself meanwhile (an evaluation in the page it leaves fails). */
    private void awaitAcrossReload(String condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                browser.awaitTrue(Duration.ofSeconds(2), condition);
                return;
            } catch (IllegalStateException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static Optional<Principal> authenticate(Metadata headers) {
        return switch (headers.get("authorization").orElse("")) {
            case "" -> Optional.empty();
            case "Bearer viewer" -> Optional.of(Principal.of("bob", Set.of("viewer")));
            case "Bearer guest" -> Optional.of(Principal.of("eve", Set.of()));
            default -> throw new UnauthenticatedException("invalid token");
        };
    }
}
