package io.courier.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the DevTools protocol, for tests of what a browser does with a
 * server: a page of another origin calling it through CORS, gRPC-Web, {@code EventSource}, a web
 * console. It runs the machine's own {@code chromium} (nothing is downloaded) in a fresh profile
 * directory, speaks to it with the JDK's {@link WebSocket}, and opens one tab.
 *
 * <pre>{@code
 * Optional<Path> chromium = HeadlessChromium.executable();   // empty: skip the test
 * try (HeadlessChromium browser = HeadlessChromium.start(chromium.orElseThrow())) {
 *     browser.navigate(URI.create("http://127.0.0.1:8081/index.html"));
 *     browser.awaitTrue(Duration.ofSeconds(10), "document.getElementById('done') !== null");
 *     String text = browser.evaluate("document.body.innerText").asText();
 *     browser.screenshot(Path.of("target/screenshots/page.png"));
 * }
 * }</pre>
 *
 * <p>Console messages and uncaught exceptions of the page are kept ({@link #console()}) so a
 * failing test can show them. Not thread-safe beyond one test driving it at a time.
 */
public final class HeadlessChromium implements HeadlessBrowser {
    /** The executables looked for on the {@code PATH}, in order. */
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final HttpClient http;
    private final WebSocket socket;
    private final String session;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> console = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, URI endpoint) {
        this.process = process;
        this.profile = profile;
        this.http = HttpClient.newHttpClient();
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(endpoint, new Listener()).join();
        listeners.add(this::keepConsole);
        String target = send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        this.session = send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        command("Page.enable", Map.of());
        command("Runtime.enable", Map.of());
    }

    /**
     * The Chromium to run: the file named by the environment variable {@code CHROMIUM} if set,
     * else the first of {@code chromium}, {@code chromium-browser}, {@code google-chrome} on the
     * {@code PATH}; empty when there is none (install Debian's {@code chromium} package).
     */
    public static Optional<Path> executable() {
        return BrowserFiles.executable("CHROMIUM", NAMES);
    }

    /**
     * Starts {@code executable} headless in a fresh profile with a DevTools port of the system's
     * choosing, and opens a blank tab.
     *
     * @throws IllegalStateException when the browser does not start or announce its DevTools
     *         endpoint within 30 seconds (its output is in the message)
     */
    public static HeadlessChromium start(Path executable) {
        Objects.requireNonNull(executable, "executable");
        Path profile;
        try {
            profile = Files.createTempDirectory("courier-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a profile directory for Chromium", e);
        }
        List<String> command = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--window-size=1024,768",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            BrowserFiles.delete(profile);
            throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage()
                    + " (expected: a Chromium executable; install Debian's chromium package)", e);
        }
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread.ofVirtual().name("chromium-output").start(() -> {
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
            endpoint.completeExceptionally(new IllegalStateException("Chromium ended before it listened"));
        });
        try {
            return new HeadlessChromium(process, profile, endpoint.get(30, TimeUnit.SECONDS));
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
            throw new IllegalStateException("Chromium (" + executable + ") did not open its DevTools endpoint within 30 s: "
                    + e + "; its output: " + said, e);
        }
    }

    /**
     * Loads {@code page} in the tab and waits until it is the tab's document and loaded.
     *
     * @throws IllegalStateException when the browser cannot load it (the network error names why)
     */
    @Override
    public void navigate(URI page) {
        JsonNode result = command("Page.navigate", Map.of("url", page.toString()));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("Chromium could not load " + page + ": " + result.get("errorText").asText());
        }
        awaitLoaded(page, COMMAND_PATIENCE);
    }

    /**
     * Evaluates a JavaScript expression in the page and returns its value as JSON (a promise is
     * awaited first).
     *
     * @throws IllegalStateException when the expression throws (the exception's text is in the message)
     */
    @Override
    public JsonNode evaluate(String expression) {
        JsonNode result = command("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.hasNonNull("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            String text = details.path("exception").path("description").asText(details.path("text").asText());
            throw new IllegalStateException("the page threw evaluating `" + expression + "`: " + text);
        }
        return result.path("result").path("value");
    }

    @Override
    public byte[] png() {
        return Base64.getDecoder().decode(command("Page.captureScreenshot", Map.of("format", "png"))
                .get("data").asText());
    }

    /** What the page logged ({@code console.*}) and threw, oldest first, as {@code level: text}. */
    @Override
    public List<String> console() {
        return List.copyOf(console);
    }

    /**
     * Sends a DevTools command to the tab and returns its result: for what this class does not
     * wrap (see the Chrome DevTools Protocol).
     *
     * @throws IllegalStateException when the browser answers an error or nothing within 30 seconds
     */
    public JsonNode command(String method, Map<String, ?> params) {
        return send(session, method, params);
    }

    private JsonNode send(String sessionId, String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", json.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(message.toString(), true).join();
            JsonNode reply = await(answer, method);
            if (reply.has("error")) {
                throw new IllegalStateException("Chromium refused " + method + ": " + reply.get("error"));
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
            throw new IllegalStateException("interrupted waiting for Chromium: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Chromium's connection failed waiting for " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium did not answer within " + COMMAND_PATIENCE.toSeconds()
                    + " s: " + what + " (is the browser alive: " + process.isAlive() + ")", e);
        }
    }

    private void keepConsole(JsonNode event) {
        JsonNode params = event.path("params");
        switch (event.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                List<String> args = new ArrayList<>();
                params.path("args").forEach(a -> args.add(a.has("value") ? a.get("value").asText()
                        : a.path("description").asText()));
                console.add(params.path("type").asText() + ": " + String.join(" ", args));
            }
            case "Runtime.exceptionThrown" -> console.add("exception: " + params.path("exceptionDetails")
                    .path("exception").path("description").asText(params.path("exceptionDetails").path("text").asText()));
            default -> {
            }
        }
    }

    /** Closes the browser and deletes its profile directory. */
    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
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
                    new IllegalStateException("Chromium closed the DevTools connection: " + statusCode + " " + reason)));
            return null;
        }

        private void dispatch(String message) {
            JsonNode node;
            try {
                node = json.readTree(message);
            } catch (IOException e) {
                return;
            }
            if (node.has("id")) {
                CompletableFuture<JsonNode> answer = pending.get(node.get("id").asLong());
                if (answer != null) {
                    answer.complete(node);
                }
            } else {
                listeners.forEach(l -> l.accept(node));
            }
        }
    }
}
