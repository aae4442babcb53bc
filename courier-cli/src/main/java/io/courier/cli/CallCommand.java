package io.courier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code courier call <service> <method> [json]}: one call over REST, without stubs, to an
 * instance found in the local registry or at {@code --target}. A method without an HTTP mapping
 * answers at {@code POST /<service>/<method>} (docs/rest.md); {@code --http} names the route of
 * one that has one.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Calls a method of a running service over REST and prints its JSON result, or its typed error"
                + " (exit 1).", "The service is found in the local discovery registry (instances that are up, in turn,"
                + " until one answers), or called at --target. A method without an HTTP mapping answers at POST"
                + " /SERVICE/METHOD; for one mapped with @Get, @Post, ... give its route with --http."},
        footerHeading = "%nExamples:%n",
        footer = {"  courier call kitchen createTicket '{\"orderId\":\"o-1\",\"items\":[\"naan\"]}'",
                "  courier call consumer get --http 'GET /consumers/1' --target http://127.0.0.1:8081",
                "  courier call order create --http 'POST /orders' '{\"consumerId\":1,...}'"})
final class CallCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name (its @Service value).")
    private String service;

    @Parameters(index = "1", paramLabel = "METHOD", description = "The Java method's name.")
    private String method;

    @Parameters(index = "2", arity = "0..1", paramLabel = "JSON", description = "The body: the method's argument as JSON.")
    private String json;

    @Option(names = "--target", paramLabel = "URL", description = "Call this server (http://HOST:PORT) instead of asking discovery.")
    private URI target;

    @Option(names = "--http", paramLabel = "'VERB /path'", description = "The route of a mapped method, e.g. 'GET /consumers/1'.")
    private String http;

    @Option(names = "--dir", paramLabel = "DIR", description = "The local registry directory (as for instances).")
    private Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "The call's deadline (default: ${DEFAULT-VALUE} s).")
    private long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        String verb = "POST";
        String path = "/" + service + "/" + method;
        if (http != null) {
            String[] parts = http.trim().split("\\s+");
            if (parts.length != 2 || !parts[1].startsWith("/")) {
                throw new IllegalArgumentException("--http " + http + " (expected: a verb and a path, e.g. 'GET /consumers/1')");
            }
            verb = parts[0].toUpperCase(java.util.Locale.ROOT);
            path = parts[1];
        }
        if (json != null) {
            Json.parse("JSON", json);
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + " (expected: seconds, 1 or more)");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<URI> bases = target != null ? List.of(target) : discovered(err);
        if (bases.isEmpty()) {
            return 1;
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(Math.min(timeoutSeconds, 5))).build();
        List<String> tried = new ArrayList<>();
        for (URI base : bases) {
            URI uri = base.resolve(path);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds))
                    .header("Accept", "application/json").header("courier-caller", "courier-cli")
                    .header("courier-timeout", timeoutSeconds + "S")
                    .header("Content-Type", "application/json")
                    .method(verb, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                tried.add(verb + " " + uri + ": " + (e instanceof java.net.ConnectException
                        ? "connection refused (nothing listens there)"
                        : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutSeconds + " s"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                continue;
            }
            return print(response, verb + " " + uri, out, err);
        }
        err.println("Nothing answered. Tried:");
        tried.forEach(t -> err.println("  " + t));
        err.println(target != null ? "Is the service running there? Check the URL, or leave --target out to ask discovery."
                : "The registry lists instances that no longer answer: run 'courier instances " + service
                        + "' to see their leases, or call one with --target URL.");
        return 1;
    }

    private List<URI> discovered(PrintWriter err) {
        LocalDiscovery.Builder config = LocalDiscovery.builder();
        if (dir != null) {
            config.directory(dir);
        }
        try (LocalDiscovery local = config.build()) {
            List<LocalDiscovery.Entry> entries = local.entries(service);
            List<URI> uris = entries.stream().filter(LocalDiscovery.Entry::live)
                    .map(LocalDiscovery.Entry::instance).filter(i -> i.health() == ServiceInstance.Health.UP)
                    .flatMap(i -> i.uris().stream()).filter(u -> "http".equals(u.getScheme())).toList();
            if (uris.isEmpty()) {
                List<String> known = local.entries("").stream().map(e -> e.instance().service()).distinct().toList();
                err.println("No instance of " + service + " that is up and serves REST (http://) in the local registry "
                        + local.directory() + (entries.isEmpty() ? "" : " (" + entries.size() + " listed, none live and up)")
                        + ".\nKnown services: " + (known.isEmpty() ? "none" : String.join(", ", known))
                        + ".\nStart the service, pass --dir if it registers elsewhere, or call it with --target http://HOST:PORT.");
            }
            return uris;
        }
    }

    private int print(HttpResponse<byte[]> response, String what, PrintWriter out, PrintWriter err) {
        int status = response.statusCode();
        byte[] body = response.body();
        if (status == 204) {
            out.println("(done: no result)");
            return 0;
        }
        if (status == 202) {
            out.println("(accepted: a one-way method runs after answering)");
            return 0;
        }
        if (status >= 200 && status < 300) {
            out.println(Json.show(body));
            return 0;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/problem+json")) {
            JsonNode p = Json.parse("problem", new String(body, StandardCharsets.UTF_8));
            err.println(p.path("code").asText("ERROR") + " (HTTP " + status + ") from " + what + ":");
            err.println("  " + p.path("detail").asText(p.path("title").asText("")));
            p.path("details").properties().forEach(d -> err.println("  " + d.getKey() + ": " + d.getValue().asText()));
            if (p.path("retrySafe").asBoolean(false)) {
                err.println("  (safe to retry)");
            }
            if (status == 404 && http == null) {
                err.println("If " + service + "." + method + " is mapped with @Get, @Post, ..., it answers at its own route:"
                        + " give it with --http 'VERB /path'.");
            }
        } else {
            err.println("HTTP " + status + " from " + what + ":");
            err.println("  " + Json.show(body));
        }
        return 1;
    }
}
