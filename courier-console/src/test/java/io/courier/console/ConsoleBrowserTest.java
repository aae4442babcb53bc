package io.courier.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.courier.test.Await;
import io.courier.test.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console in headless Chromium, read from its DOM: every service of the system drawn with
 * its instances and the calls between them; a stopped instance, its service and its breaker
 * turning red; a dead letter replayed from the page after confirming, and then handled; a call
 * tried from the contract view. Saves a screenshot of each view under
 * {@code target/console-screenshots/}.
 *
 * <p>Skipped with a notice where no Chromium is installed; fails instead when {@code CI=true}.
 */
class ConsoleBrowserTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "console-screenshots");

    private ShopSystem system;
    private HeadlessChromium browser;

    @BeforeEach
    void start() {
        var chromium = HeadlessChromium.executable();
        if (chromium.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no chromium on the PATH, and CI=true (expected: apt-get install chromium)");
        }
        if (chromium.isEmpty()) {
            System.out.println("ConsoleBrowserTest skipped: no chromium on the PATH (apt-get install chromium)");
        }
        assumeTrue(chromium.isPresent(), "chromium on the PATH");
        system = new ShopSystem();
        browser = HeadlessChromium.start(chromium.get());
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
    void consoleShowsTheSystemItsFailuresAndReplaysADeadLetter() {
        for (int i = 0; i < 8; i++) {
            system.client.item("a" + i);
        }
        browser.navigate(system.console());
        browser.awaitTrue(PATIENCE, """
                document.querySelector('#node-shop') !== null
                && document.querySelectorAll('#node-stock .dot.up').length === 2
                && document.querySelector('.edge[data-from=shop][data-to=stock][data-style=gRPC]') !== null
                && document.querySelector('.edge[data-from=shop][data-to=Restocked][data-style=event]') !== null
                && document.querySelector('.edge[data-from=Restocked][data-to=stock][data-style=event]') !== null""");
        assertThat(browser.evaluate("document.querySelector('#node-stock').classList.contains('down')").asBoolean())
                .isFalse();
        browser.screenshot(SHOTS.resolve("topology.png"));

        // An instance stops: its dot, its service and the breaker on its endpoint turn red.
        system.stock2.close();
        for (int i = 0; i < 6; i++) {
            system.client.item("b" + i);
        }
        browser.awaitTrue(PATIENCE, """
                document.querySelector('#node-stock').classList.contains('down')
                && document.querySelector('#instance-stock-2').getAttribute('data-up') === 'false'
                && document.querySelector('#instance-stock-1').getAttribute('data-up') === 'true'""");
        browser.screenshot(SHOTS.resolve("topology-instance-down.png"));
        browser.evaluate("document.querySelector('button[data-tab=resilience]').click()");
        browser.awaitTrue(PATIENCE, """
                document.querySelectorAll('#breakers tr[data-state=open]').length === 1
                && document.querySelector('#breakers tr[data-state=open] td.state-open') !== null
                && getComputedStyle(document.querySelector('#breakers td.state-open')).color === 'rgb(207, 34, 46)'""");
        browser.screenshot(SHOTS.resolve("resilience.png"));

        // A poison event is dead-lettered; replayed from the page once fixed and confirmed, it is handled.
        system.client.item("poison");
        browser.evaluate("document.querySelector('button[data-tab=messaging]').click()");
        browser.awaitTrue(PATIENCE, "document.querySelectorAll('#dead-letters tr[data-dead-letter]').length === 1"
                + " && document.querySelector('#dead-letters').textContent.includes('cannot restock poison yet')");
        browser.screenshot(SHOTS.resolve("messaging.png"));
        system.fixPoison();
        browser.evaluate("document.querySelector('#dead-letters button.replay').click()");
        browser.evaluate("document.querySelector('#dead-letters button.confirm').click()");
        browser.awaitTrue(PATIENCE, "document.querySelector('#dead-letter-result').dataset.result === 'replayed'");
        Await.until(PATIENCE, "the replayed event handled", () -> system.handled.contains("poison"));
        browser.awaitTrue(PATIENCE, "document.querySelectorAll('#dead-letters tr[data-dead-letter]').length === 0");

        // The contract view lists the operations and tries one.
        browser.evaluate("document.querySelector('button[data-tab=contracts]').click()");
        browser.awaitTrue(PATIENCE, "document.querySelector('#contract-service option[value=stock]') !== null");
        browser.evaluate("(() => { const s = document.querySelector('#contract-service'); s.value = 'stock';"
                + " s.dispatchEvent(new Event('change')); })()");
        browser.awaitTrue(PATIENCE, "document.querySelector('form.try input[name=path]') !== null"
                + " && document.querySelector('form.try input[name=path]').value === '/stock/{sku}'");
        browser.evaluate("""
                (() => { const f = document.querySelector('form.try');
                  f.querySelector('input[name=path]').value = '/stock/x';
                  f.querySelector('button[type=submit]').click(); })()""");
        browser.awaitTrue(PATIENCE, "document.querySelector('form.try pre.result').dataset.status === '200'");
        browser.screenshot(SHOTS.resolve("contracts.png"));
        assertThat(browser.evaluate("document.querySelector('form.try pre.result').textContent").asText())
                .startsWith("200 in ").contains("/stock/x");
    }
}
