package io.courier.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Firefox driven over WebDriver BiDi, the protocol Firefox speaks itself (no
 * geckodriver): it runs the machine's own {@code firefox-esr} or {@code firefox} with
 * {@code --remote-debugging-port} in a fresh profile whose {@code user.js} turns off updates,
 * telemetry and other background traffic, connects to its {@code /session} endpoint with the
 * JDK's {@link WebSocket}, starts a session and drives its first tab.
 *
 * <pre>{@code
 * Optional<Path> firefox = HeadlessFirefox.executable();   // empty: skip the test
 * try (HeadlessFirefox browser = HeadlessFirefox.start(firefox.orElseThrow())) {
 *     browser.navigate(URI.create("http://127.0.0.1:8081/index.html"));
 *     browser.awaitTrue(Duration.ofSeconds(10), "document.getElementById('done') !== null");
 *     browser.screenshot(Path.of("target/screenshots/page.png"));
 * }
 * }</pre>
 *
 * <p>Console messages and uncaught errors of the page are kept ({@link #console()}). Not
 * thread-safe beyond one test driving it at a time.
 */
public final class HeadlessFirefox implements HeadlessBrowser {
    /** The executables looked for on the {@code PATH}, in order. */
    private static final List<String> NAMES = List.of("firefox-esr", "firefox");
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration START_PATIENCE = Duration.ofSeconds(60);
    private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(30);
    /** Preferences of the fresh profile: nothing but the pages the test opens goes out. */
    private static final String USER_JS = String.join("\n",
            "user_pref(\"app.update.disabledForTesting\", true);",
            "user_pref(\"app.update.auto\", false);",
            "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
            "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
            "user_pref(\"browser.startup.page\", 0);",
            "user_pref(\"browser.newtabpage.enabled\", false);",
            "user_pref(\"browser.safebrowsing.malware.enabled\", false);",
            "user_pref(\"browser.safebrowsing.phishing.enabled\", false);",
            "user_pref(\"browser.safebrowsing.downloads.remote.enabled\", false);",
            "user_pref(\"browser.safebrowsing.update.enabled\", false);",
            "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
            "user_pref(\"datareporting.healthreport.uploadEnabled\", false);",
            "user_pref(\"toolkit.telemetry.enabled\", false);",
            "user_pref(\"toolkit.telemetry.unified\", false);",
            "user_pref(\"extensions.update.enabled\", false);",
            "user_pref(\"extensions.getAddons.cache.enabled\", false);",
            "user_pref(\"extensions.blocklist.enabled\", false);",
            "user_pref(\"media.gmp-manager.updateEnabled\", false);",
            "user_pref(\"network.captive-portal-service.enabled\", false);",
            "user_pref(\"network.connectivity-service.enabled\", false);",
            "user_pref(\"network.dns.disablePrefetch\", true);",
            "user_pref(\"network.prefetch-next\", false);",
            "user_pref(\"services.settings.server\", \"http://127.0.0.1:9/\");",
            "user_pref(\"toolkit.startup.max_resumed_crashes\", -1);",
            "");

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final HttpClient http;
    private final WebSocket socket;
    private final String context;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> console = new CopyOnWriteArrayList<>();

    private HeadlessFirefox(Process process, Path profile, URI endpoint) {
        this.process = process;
        this.profile = profile;
        this.http = HttpClient.newHttpClient();
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(endpoint + "/session"), new Listener()).join();
        command("session.new", Map.of("capabilities", Map.of()));
        command("session.subscribe", Map.of("events", List.of("log.entryAdded")));
        this.context = command("browsingContext.getTree", Map.of()).path("contexts").path(0).path("context").asText();
        if (context.isEmpty()) {
            throw new IllegalStateException("Firefox has no tab to drive");
        }
        command("browsingContext.setViewport", Map.of("context", context,
                "viewport", Map.of("width", 1024, "height", 768)));
    }

    /**
     * The Firefox to run: the file named by the environment variable {@code FIREFOX} if set, else
     * the first of {@code firefox-esr}, {@code firefox} on the {@code PATH}; empty when there is
     * none (install Debian's {@code firefox-esr} package).
     */
    public static Optional<Path> executable() {
        return BrowserFiles.executable("FIREFOX", NAMES);
    }

    /**
     * Starts {@code executable} headless in a fresh profile with a WebDriver BiDi port of the
     * system's choosing, starts a session and takes its tab.
     *
     * @throws IllegalStateException when the browser does not start or announce its BiDi
     *         endpoint within 60 seconds (its output is in the message)
     */
    public static HeadlessFirefox start(Path executable) {
        Objects.requireNonNull(executable, "executable");
        Path profile;
        try {
            profile = Files.createTempDirectory("courier-firefox-");
            Files.writeString(profile.resolve("user.js"), USER_JS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a profile directory for Firefox", e);
        }
        List<String> command = List.of(executable.toString(), "--headless", "--no-remote",
                "--remote-debugging-port", "0", "--profile", profile.toString(), "about:blank");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            BrowserFiles.delete(profile);
            throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage()
                    + " (expected: a Firefox executable; install Debian's firefox-esr package)", e);
        }
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread.ofVirtual().name("firefox-output").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        endpoint.complete(URI.create(m.group(1)));
                    } else if (!endpoint.isDone()) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            endpoint.completeExceptionally(new IllegalStateException("Firefox ended before it listened"));
        });
        try {
            return new HeadlessFirefox(process, profile, endpoint.get(START_PATIENCE.toSeconds(), TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            process.destroyForcibly();
            BrowserFiles.delete(profile);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String said;
            synchronized (output) {
                said = output.toString();
            }
            throw new IllegalStateException("Firefox (" + executable + ") did not open its WebDriver BiDi session within "
                    + START_PATIENCE.toSeconds() + " s: " + e + "; its output: " + said, e);
        }
    }

    @Override
    public void navigate(URI page) {
        command("browsingContext.navigate", Map.of("context", context, "url", page.toString(), "wait", "complete"));
        awaitLoaded(page, COMMAND_PATIENCE);
    }

    /**
     * {@inheritDoc} The value crosses as {@code JSON.stringify} makes it: what JSON cannot hold
     * (functions, DOM nodes) does not come back.
     */
    @Override
    public JsonNode evaluate(String expression) {
        String wrapped = "(async () => JSON.stringify(await (" + expression + "\n)))()";
        JsonNode result = command("script.evaluate", Map.of("expression", wrapped, "target", Map.of("context", context),
                "awaitPromise", true, "resultOwnership", "none"));
        if (result.path("type").asText().equals("exception")) {
            JsonNode details = result.path("exceptionDetails");
            throw new IllegalStateException("the page threw evaluating `" + expression + "`: "
                    + details.path("text").asText(details.toString()));
        }
        JsonNode value = result.path("result");
        if (!value.path("type").asText().equals("string")) {
            return MissingNode.getInstance(); // undefined
        }
        try {
            return json.readTree(value.path("value").asText());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON from the page: " + value, e);
        }
    }

    @Override
    public byte[] png() {
        return Base64.getDecoder().decode(command("browsingContext.captureScreenshot", Map.of("context", context))
                .path("data").asText());
    }

    @Override
    public List<String> console() {
        return List.copyOf(console);
    }

    /**
     * Sends a WebDriver BiDi command and returns its result: for what this class does not wrap.
     *
     * @throws IllegalStateException when the browser answers an error or nothing within 30 seconds
     */
    public JsonNode command(String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", json.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(message.toString(), true).join();
            JsonNode reply = await(answer, method);
            if (reply.path("type").asText().equals("error")) {
                throw new IllegalStateException("Firefox refused " + method + ": " + reply.path("error").asText()
                        + ": " + reply.path("message").asText());
            }
            return reply.path("result");
        } finally {
            pending.remove(id);
        }
    }

    private JsonNode await(CompletableFuture<JsonNode> future, String what) {
        try {
            return future.get(COMMAND_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Firefox: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Firefox's connection failed waiting for " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Firefox did not answer within " + COMMAND_PATIENCE.toSeconds()
                    + " s: " + what + " (is the browser alive: " + process.isAlive() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            // Ends the session and the browser; what follows only makes sure.
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            long id = ids.incrementAndGet();
            pending.put(id, answer);
            socket.sendText(json.createObjectNode().put("id", id).put("method", "browser.close")
                    .set("params", json.createObjectNode()).toString(), true)
                    .thenCompose(s -> answer).orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        } finally {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            http.close();
            BrowserFiles.delete(profile);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                dispatch(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(
                    new IllegalStateException("Firefox closed the BiDi connection: " + statusCode + " " + reason)));
            return null;
        }

        private void dispatch(String message) {
            JsonNode node;
            try {
                node = json.readTree(message);
            } catch (IOException e) {
                return;
            }
            if (node.has("id") && !node.get("id").isNull()) {
                CompletableFuture<JsonNode> answer = pending.get(node.get("id").asLong());
                if (answer != null) {
                    answer.complete(node);
                }
            } else if (node.path("method").asText().equals("log.entryAdded")) {
                JsonNode entry = node.path("params");
                console.add(entry.path("type").asText().equals("javascript") ? "exception: " + entry.path("text").asText()
                        : entry.path("level").asText() + ": " + entry.path("text").asText());
            }
        }
    }
}
