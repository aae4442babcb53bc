package io.courier.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.Metadata;
import io.courier.discovery.ServiceResolver;
import io.courier.http.HttpRoutes;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the console's page and its API on the REST server of the same Courier; has no client side. */
public final class ConsoleTransport extends HttpRoutes {
    private static final Logger log = LoggerFactory.getLogger(ConsoleTransport.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    /** The header an action needs, naming the action, so that no page elsewhere triggers it by a plain form. */
    static final String CONFIRM = "x-courier-confirm";
    /** The routes that show something, guarded by the view guard; the actions are the POSTs. */
    private static final Set<String> VIEWS = Set.of("/", "/api/state", "/api/events", "/api/contract");

    private final String path;
    private final Duration refresh;
    private final Scraper scraper;
    private final DeadLetterShelf shelf;
    private final ActionGuard guard;
    private final ActionGuard viewGuard;
    private final byte[] page;
    private final String signIn;
    private final StateStreams streams = new StateStreams();
    private final Thread loop;
    private volatile String state = "{}";
    private volatile boolean closed;

    public ConsoleTransport(ServiceResolver discovery, List<String> services, String path, Duration refresh,
                            Duration window, List<DeadLetterShelf.Watch> deadLetters, ActionGuard guard,
                            ActionGuard viewGuard) {
        super("console");
        this.path = path;
        this.refresh = refresh;
        this.page = resource("console.html");
        this.signIn = new String(resource("signin.html"), java.nio.charset.StandardCharsets.UTF_8);
        this.scraper = new Scraper(discovery, services, window);
        this.shelf = new DeadLetterShelf(deadLetters);
        this.guard = guard;
        this.viewGuard = viewGuard;
        this.loop = Thread.ofVirtual().name("courier-console").start(this::run);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleTransport.class.getResourceAsStream("/io/courier/console/" + name)) {
            return Objects.requireNonNull(in, name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run() {
        while (!closed) {
            long next = System.nanoTime() + refresh.toNanos();
            try {
                ObjectNode s = new StateBuilder(scraper.round(), shelf.shown()).build();
                s.put("refreshMs", refresh.toMillis());
                s.put("actionsNeedToken", guard.closed() || viewGuard.closed());
                state = MAPPER.writeValueAsString(s);
                streams.send("event: state\ndata: " + state + "\n\n");
            } catch (RuntimeException | IOException e) {
                log.warn("console: building its state failed", e);
            }
            long wait;
            while (!closed && (wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** The state last computed, as JSON. */
    public String state() {
        return state;
    }

    @Override
    public boolean accepts(HttpServerRequest request) {
        String p = request.path();
        return p.equals(path) || p.startsWith(path + "/");
    }

    @Override
    public void handle(HttpServerRequest request) {
        String sub = request.path().substring(path.length());
        HttpMethod m = request.method();
        if (sub.isEmpty()) {
            request.response().setStatusCode(308).putHeader("location", path + "/").end();
        } else if (VIEWS.contains(sub) && m == HttpMethod.GET) {
            if (viewGuard.closed()) {
                guardedView(request, sub);
            } else {
                view(request, sub);
            }
        } else if (sub.equals("/api/try") && m == HttpMethod.POST) {
            Metadata headers = headers(request);
            withBody(request, body -> {
                Answer refused = refused(headers, "try");
                return refused != null ? refused : tryCall(body);
            });
        } else if ((sub.equals("/api/dead-letters/replay") || sub.equals("/api/dead-letters/discard"))
                && m == HttpMethod.POST) {
            settle(request, sub.endsWith("replay"));
        } else {
            json(request.response(), 404, error("no console route " + m + " " + request.path()
                    + " (expected: " + path + "/, or its api/state, api/events, api/contract, api/try, api/dead-letters/*)"));
        }
    }

    /** Checks the viewer off the event loop (authenticating may block), then serves the view on it. */
    private void guardedView(HttpServerRequest request, String sub) {
        Metadata credentials = Viewers.credentials(request, true);
        Context context = Vertx.currentContext();
        Thread.ofVirtual().name("courier-console-viewer").start(() -> {
            int refused;
            try {
                refused = viewGuard.check(credentials, "view " + sub, false);
            } catch (RuntimeException e) {
                log.warn("console: authenticating a viewer failed", e);
                refused = 500;
            }
            int status = refused;
            context.runOnContext(v -> {
                if (status == 0) {
                    view(request, sub);
                } else if (sub.equals("/")) {
                    String reason = status == 401 ? "This console needs a token to be viewed."
                            : status == 403 ? "This token may not view this console." : "Signing in failed; the log says why.";
                    HttpServerResponse r = request.response().setStatusCode(status)
                            .putHeader("content-type", "text/html; charset=utf-8").putHeader("cache-control", "no-store");
                    if (status == 401) {
                        r.putHeader("www-authenticate", "Bearer");
                    }
                    r.end(signIn.replace("{{reason}}", reason));
                } else {
                    if (status == 401) {
                        request.response().putHeader("www-authenticate", "Bearer");
                    }
                    json(request.response(), status, error(status == 401 ? "viewing this console needs credentials"
                            + " (an Authorization header, or the sign-in page's cookie)"
                            : status == 403 ? "these credentials may not view this console" : "authenticating failed"));
                }
            });
        });
    }

    private void view(HttpServerRequest request, String sub) {
        switch (sub) {
            case "/" -> request.response().putHeader("content-type", "text/html; charset=utf-8")
                    .putHeader("cache-control", "no-cache").end(Buffer.buffer(page));
            case "/api/state" -> json(request.response(), 200, state);
            case "/api/events" -> events(request);
            default -> offLoop(request, () -> contract(request.getParam("service")));
        }
    }

    private void events(HttpServerRequest request) {
        streams.open(request.response(),
                "retry: " + Math.max(1000, refresh.toMillis()) + "\nevent: state\ndata: " + state + "\n\n");
    }

    private void settle(HttpServerRequest request, boolean replay) {
        String action = replay ? "replay" : "discard";
        if (!action.equals(request.getHeader(CONFIRM))) {
            json(request.response(), 428, error(action + " needs the header " + CONFIRM + ": " + action
                    + " (the page sends it once you confirm)"));
            return;
        }
        String id = request.getParam("id");
        if (id == null) {
            json(request.response(), 400, error("no id (expected: ?id=<the dead letter's id>)"));
            return;
        }
        Metadata headers = headers(request);
        offLoop(request, () -> {
            Answer refused = refused(headers, action + " " + id);
            if (refused != null) {
                return refused;
            }
            Optional<DeadLetterShelf.Shown> done = replay ? shelf.replay(id) : shelf.discard(id);
            if (done.isEmpty()) {
                return new Answer(404, error("no dead letter " + id + " is held (already settled?)"));
            }
            log.info("console: {} {} ({} in {}, {})", replay ? "replayed" : "discarded", id, done.get().group(),
                    done.get().channel(), done.get().reason());
            return new Answer(200, MAPPER.createObjectNode().put(action, id).toString());
        });
    }

    /** The refusal of an action the guard does not allow; null when it may go on. Blocks: off the event loop. */
    private Answer refused(Metadata headers, String action) {
        int status = viewGuard.check(headers, action, false);
        return switch (status != 0 ? status : guard.check(headers, action, true)) {
            case 0 -> null;
            case 401 -> new Answer(401, error("this console's actions need credentials (an Authorization header)"),
                    "Bearer");
            default -> new Answer(403, error("these credentials may not act through this console"), null);
        };
    }

    private static Metadata headers(HttpServerRequest request) {
        return Viewers.credentials(request, false);
    }

    private Answer contract(String service) {
        if (service == null) {
            return new Answer(400, error("no service (expected: ?service=<a service the console watches>)"));
        }
        Optional<URI> base = scraper.anyUp(service);
        if (base.isEmpty()) {
            return new Answer(404, error("no instance of " + service + " answers (expected: one the console watches, up)"));
        }
        URI uri = base.get().resolve("/openapi.json");
        try {
            HttpResponse<InputStream> r = scraper.http().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes(Scraper.MAX_SCRAPE + 1);
            }
            if (r.statusCode() != 200 || body.length > Scraper.MAX_SCRAPE) {
                return new Answer(502, error(uri + " answered " + r.statusCode()
                        + (body.length > Scraper.MAX_SCRAPE ? " with over " + Scraper.MAX_SCRAPE + " bytes" : "")));
            }
            ObjectNode answer = MAPPER.createObjectNode().put("service", service).put("base", base.get().toString());
            answer.set("openapi", MAPPER.readTree(body));
            return new Answer(200, answer.toString());
        } catch (IOException e) {
            return new Answer(502, error("reading " + uri + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, error("interrupted"));
        }
    }

    /** Sends the call a page's form describes to an instance of the service, and gives back its answer. */
    private Answer tryCall(byte[] requestBody) {
        JsonNode form;
        try {
            form = MAPPER.readTree(requestBody);
        } catch (IOException e) {
            return new Answer(400, error("the body is not JSON (expected: {\"service\", \"method\", \"path\", \"body\"})"));
        }
        String service = form.path("service").asText("");
        String method = form.path("method").asText("").toUpperCase(java.util.Locale.ROOT);
        String target = form.path("path").asText("");
        if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method) || !target.startsWith("/")
                || target.startsWith("//") || target.startsWith(path)) {
            return new Answer(400, error("a try names a service, an HTTP method (GET, POST, PUT, PATCH, DELETE) and"
                    + " a path starting with / (got " + method + " " + target + ")"));
        }
        Optional<URI> base = scraper.anyUp(service);
        if (base.isEmpty()) {
            return new Answer(404, error("no instance of " + service + " answers"));
        }
        URI uri;
        try {
            uri = base.get().resolve(target);
        } catch (IllegalArgumentException e) {
            return new Answer(400, error("not a path: " + target));
        }
        JsonNode body = form.get("body");
        boolean hasBody = body != null && !body.isNull() && !(body.isTextual() && body.asText().isBlank());
        String text = body == null ? "" : body.isTextual() ? body.asText() : body.toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, hasBody ? HttpRequest.BodyPublishers.ofString(text) : HttpRequest.BodyPublishers.noBody());
        if (hasBody) {
            b.header("content-type", "application/json");
        }
        long started = System.nanoTime();
        try {
            HttpResponse<InputStream> r = scraper.http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] answer;
            try (InputStream in = r.body()) {
                answer = in.readNBytes(MAX_BODY);
            }
            return new Answer(200, MAPPER.createObjectNode().put("status", r.statusCode()).put("uri", uri.toString())
                    .put("millis", (System.nanoTime() - started) / 1_000_000)
                    .put("contentType", r.headers().firstValue("content-type").orElse(""))
                    .put("body", Text.preview(answer)).toString());
        } catch (IOException e) {
            return new Answer(502, error(method + " " + uri + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, error("interrupted"));
        }
    }

    private record Answer(int status, String json, String challenge) {
        Answer(int status, String json) {
            this(status, json, null);
        }
    }

    private interface Work {
        Answer run();
    }

    private interface BodyWork {
        Answer run(byte[] body);
    }

    /** Runs {@code work} on a virtual thread (it may call out), then answers. */
    private static void offLoop(HttpServerRequest request, Work work) {
        Thread.ofVirtual().name("courier-console-request").start(() -> {
            Answer a;
            try {
                a = work.run();
            } catch (RuntimeException e) {
                log.warn("console: {} failed", request.path(), e);
                a = new Answer(500, error("the console failed on this request; its log says why"));
            }
            if (a.challenge() != null) {
                request.response().putHeader("www-authenticate", a.challenge());
            }
            json(request.response(), a.status(), a.json());
        });
    }

    private static void withBody(HttpServerRequest request, BodyWork work) {
        String length = request.getHeader("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length) > MAX_BODY) {
                    json(request.response(), 413, error("the body is over " + MAX_BODY + " bytes"));
                    return;
                }
            } catch (NumberFormatException e) {
                json(request.response(), 400, error("content-length: " + length));
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        request.handler(chunk -> {
            if (!over[0] && body.length() + chunk.length() > MAX_BODY) {
                over[0] = true;
                json(request.response(), 413, error("the body is over " + MAX_BODY + " bytes"));
            } else if (!over[0]) {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            if (!over[0]) {
                offLoop(request, () -> work.run(body.getBytes()));
            }
        });
    }

    private static void json(HttpServerResponse response, int status, String json) {
        if (!response.ended()) {
            response.setStatusCode(status).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-cache").end(json);
        }
    }

    private static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(loop);
        streams.close();
        shelf.close();
        scraper.close();
    }
}
