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
 * {@code courier call <service> <method> [json]}: one call, without stubs, to an instance found
 * in the local registry or at {@code --target}, over REST or gRPC. Over REST a method without an
 * HTTP mapping answers at {@code POST /<service>/<method>} (docs/rest.md); {@code --http} names
 * the route of one that has one. Over gRPC ({@code --transport grpc}, or a {@code grpc://}
 * target) the method's path comes from the {@code .proto} the server serves, and the JSON goes
 * as one {@code application/grpc+json} message ({@link GrpcCall}).
 */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Calls a method of a running service over REST or gRPC and prints its JSON result, or its typed"
                + " error (exit 1).", "The service is found in the local discovery registry (instances that are up, in"
                + " turn, until one answers), or called at --target. Over REST a method without an HTTP mapping answers"
                + " at POST /SERVICE/METHOD; for one mapped with @Get, @Post, ... give its route with --http. Over gRPC"
                + " (--transport grpc, or a grpc:// target) the method is found in the .proto the server serves at"
                + " /contracts/SERVICE.proto, and JSON is the argument: the parameters as members ('{\"id\":1}'), or"
                + " the one record parameter itself."},
        footerHeading = "%nExamples:%n",
        footer = {"  courier call kitchen createTicket '{\"orderId\":\"o-1\",\"items\":[\"naan\"]}'",
                "  courier call consumer get --http 'GET /consumers/1' --target http://127.0.0.1:8081",
                "  courier call consumer get '{\"id\":1}' --transport grpc",
                "  courier call consumer get '{\"id\":1}' --target grpcs://consumer.internal:8443 --cacert ca.crt",
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

    @Option(names = "--target", paramLabel = "URL", description = "Call this server (http://HOST:PORT, or https://,"
            + " grpc://, grpcs://) instead of asking discovery.")
    private URI target;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Over TLS (an https:// or grpcs:// target): trust the"
            + " CA certificates of this PEM file instead of the JDK's.")
    private Path caCert;

    @Option(names = "--cert", paramLabel = "FILE", description = "Over TLS: present this client certificate chain (PEM),"
            + " for a server that asks for one; with --key.")
    private Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "Over TLS: the private key (PEM) of --cert.")
    private Path key;

    @Option(names = "--http", paramLabel = "'VERB /path'", description = "The route of a mapped method, e.g. 'GET /consumers/1'.")
    private String http;

    @Option(names = "--dir", paramLabel = "DIR", description = "The local registry directory (as for instances).")
    private Path dir;

    @Option(names = "--transport", paramLabel = "rest|grpc", description = "How to call: rest (the default) or grpc;"
            + " a grpc:// or grpcs:// --target means grpc.")
    private String transport;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "The call's deadline (default: ${DEFAULT-VALUE} s).")
    private long timeoutSeconds;

    /** The most of an answer read (REST body; gRPC messages); more is an error, not a result. */
    static final int MAX_ANSWER = 16 << 20;
    /** The most of a served .proto read. */
    static final int MAX_PROTO = 4 << 20;

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
        TlsOptions tls = new TlsOptions(caCert, cert, key);
        if (grpc()) {
            return callGrpc(out, err, tls);
        }
        List<URI> bases = target != null ? List.of(target) : discovered(err, "http");
        if (bases.isEmpty()) {
            return 1;
        }
        HttpClient client = httpClient(tls, bases.stream().anyMatch(u -> "https".equals(u.getScheme())));
        try {
            return callRest(client, bases, verb, path, out, err);
        } finally {
            client.shutdownNow(); // an answer given up on may still hold its connection
        }
    }

    /** Over REST: each of {@code bases} in turn until one answers. */
    private int callRest(HttpClient client, List<URI> bases, String verb, String path, PrintWriter out, PrintWriter err)
            throws InterruptedException {
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
                response = BoundedAnswer.send(client, request, MAX_ANSWER, Duration.ofSeconds(timeoutSeconds));
            } catch (BoundedAnswer.UnusableAnswerException e) {
                err.println(verb + " " + uri + ": " + e.getMessage());
                return 1;
            } catch (IOException e) {
                tried.add(verb + " " + uri + ": " + (e instanceof java.net.ConnectException
                        ? "connection refused (nothing listens there)"
                        : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutSeconds + " s"
                        : reason(e)) + tlsAdvice(e));
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

    /**
     * Whether the call goes over gRPC: {@code --transport grpc}, or a {@code grpc://} or
     * {@code grpcs://} target; checks the options.
     */
    private boolean grpc() {
        String chosen = transport != null ? transport.toLowerCase(java.util.Locale.ROOT)
                : target != null && List.of("grpc", "grpcs").contains(target.getScheme()) ? "grpc" : "rest";
        if (!chosen.equals("rest") && !chosen.equals("grpc")) {
            throw new IllegalArgumentException("--transport " + transport + " (expected: rest or grpc)");
        }
        if (chosen.equals("grpc") && http != null) {
            throw new IllegalArgumentException("--http " + http + ": a REST route (expected: no --http with --transport grpc;"
                    + " gRPC finds the method by its name)");
        }
        if (target != null && !List.of("http", "https", "grpc", "grpcs").contains(String.valueOf(target.getScheme()))) {
            throw new IllegalArgumentException("--target " + target + " (expected: http://HOST:PORT, https://HOST:PORT,"
                    + " grpc://HOST:PORT or grpcs://HOST:PORT)");
        }
        if (new TlsOptions(caCert, cert, key).given() && !tlsTarget()) {
            throw new IllegalArgumentException("--cacert, --cert and --key are for a TLS target (expected: --target"
                    + " https://HOST:PORT or grpcs://HOST:PORT)");
        }
        return chosen.equals("grpc");
    }

    /** Whether {@code --target} is called over TLS. */
    private boolean tlsTarget() {
        return target != null && ("https".equals(target.getScheme()) || "grpcs".equals(target.getScheme()));
    }

    /** The REST client: over TLS with {@code tls} when {@code overTls}. */
    private HttpClient httpClient(TlsOptions tls, boolean overTls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(Math.min(timeoutSeconds, 5)));
        if (overTls) {
            b.sslContext(tls.sslContext());
        }
        return b.build();
    }

    /** Over gRPC: the method's path from each instance's served .proto, then the call, until one answers. */
    private int callGrpc(PrintWriter out, PrintWriter err, TlsOptions tls) throws Exception {
        boolean overTls = tlsTarget();
        List<URI> targets = target != null ? List.of(URI.create((overTls ? "grpcs://" : "grpc://") + target.getRawAuthority()))
                : discovered(err, "grpc");
        if (targets.isEmpty()) {
            return 1;
        }
        List<String> tried = new ArrayList<>();
        HttpClient http1 = httpClient(tls, overTls);
        try (GrpcCall grpc = new GrpcCall(Duration.ofSeconds(timeoutSeconds), overTls ? tls : null, MAX_ANSWER)) {
            for (URI at : targets) {
                // gRPC rides the REST port of a Courier server: its contract files are served there.
                URI contract = URI.create((overTls ? "https://" : "http://") + at.getRawAuthority() + "/contracts/"
                        + service + ".proto");
                ServedProto proto;
                try {
                    HttpResponse<byte[]> r = BoundedAnswer.send(http1, HttpRequest.newBuilder(contract)
                            .timeout(Duration.ofSeconds(timeoutSeconds)).build(), MAX_PROTO, Duration.ofSeconds(timeoutSeconds));
                    if (r.statusCode() != 200) {
                        tried.add("GET " + contract + ": HTTP " + r.statusCode() + " (no .proto of " + service
                                + " served there; the server needs courier-protobuf)");
                        continue;
                    }
                    proto = ServedProto.parse(new String(r.body(), StandardCharsets.UTF_8));
                } catch (IOException | ServedProto.UnreadableProtoException e) {
                    tried.add("GET " + contract + ": " + reason(e) + tlsAdvice(e));
                    continue;
                }
                String rpc = proto.rpc(method).orElse(null);
                if (rpc == null) {
                    List<String> rpcs = proto.rpcs().size() <= 50 ? proto.rpcs() : proto.rpcs().subList(0, 50);
                    err.println(service + " has no method " + method + " in its served contract " + contract
                            + " (expected: one of " + rpcs + (rpcs.size() < proto.rpcs().size() ? " and "
                            + (proto.rpcs().size() - rpcs.size()) + " more" : "") + ", by the Java method's name or the rpc's)");
                    return 1;
                }
                String path = proto.path(rpc);
                GrpcCall.Answer answer;
                try {
                    answer = grpc.call(at, path, json == null ? "{}" : json);
                } catch (GrpcCall.UnusableAnswerException e) {
                    err.println("gRPC " + at + path + ": " + e.getMessage());
                    return 1;
                } catch (IOException e) {
                    tried.add("gRPC " + at + path + ": " + e.getMessage() + tlsAdvice(e));
                    continue;
                }
                return print(answer, at + path, out, err);
            }
        } finally {
            http1.shutdownNow();
        }
        err.println("Nothing answered. Tried:");
        tried.forEach(t -> err.println("  " + t));
        err.println(target != null ? "Is the service running there? Check the URL, or leave --target out to ask discovery."
                : "The registry lists instances that no longer answer: run 'courier instances " + service
                        + "' to see their leases, or call one with --target grpc://HOST:PORT (grpcs:// over TLS).");
        return 1;
    }

    /** What to do about a failed TLS handshake in {@code e}'s causes, as a line of its own; empty when there is none. */
    static String tlsAdvice(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                String m = String.valueOf(t.getMessage());
                String advice = m.contains("certificate_required") || m.contains("bad_certificate")
                        ? "the server asks for a client certificate: give it with --cert and --key"
                        : m.contains("PKIX") || m.contains("certification path")
                        ? "the server's certificate is not signed by a CA trusted here: give that CA with --cacert"
                        : m.contains("subject alternative") || m.contains("No name matching")
                        ? "the server's certificate does not name this host: call it by a name or address it lists"
                        : "the TLS handshake failed: check --cacert, and --cert and --key";
                return "\n    (" + advice + ")";
            }
        }
        return "";
    }

    private static String reason(Exception e) {
        return e instanceof java.net.ConnectException ? "connection refused (nothing listens there)"
                : String.valueOf(e.getMessage()).contains("header parser received no bytes")
                ? "the connection was closed without an answer (expected: an HTTP answer)"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int print(GrpcCall.Answer answer, String what, PrintWriter out, PrintWriter err) {
        if (answer.ok()) {
            if (answer.messages().isEmpty()) {
                out.println("(done: no result)");
            }
            answer.messages().forEach(m -> out.println(Json.show(m)));
            return 0;
        }
        err.println(answer.statusName() + " (gRPC " + answer.grpcStatus() + (answer.httpStatus() == 200 ? ""
                : ", HTTP " + answer.httpStatus()) + ") from " + what + ":");
        err.println("  " + Printable.line(answer.message()));
        answer.details().forEach((k, v) -> err.println("  " + Printable.line(k) + ": " + Printable.line(v)));
        if (answer.retrySafe()) {
            err.println("  (safe to retry)");
        }
        return 1;
    }

    private List<URI> discovered(PrintWriter err, String scheme) {
        LocalDiscovery.Builder config = LocalDiscovery.builder();
        if (dir != null) {
            config.directory(dir);
        }
        try (LocalDiscovery local = config.build()) {
            List<LocalDiscovery.Entry> entries = local.entries(service);
            List<URI> uris = entries.stream().filter(LocalDiscovery.Entry::live)
                    .map(LocalDiscovery.Entry::instance).filter(i -> i.health() == ServiceInstance.Health.UP)
                    .flatMap(i -> i.uris().stream()).filter(u -> scheme.equals(u.getScheme())).toList();
            if (uris.isEmpty()) {
                List<String> known = local.entries("").stream().map(e -> e.instance().service()).distinct().toList();
                err.println("No instance of " + service + " that is up and serves " + (scheme.equals("http") ? "REST" : "gRPC")
                        + " (" + scheme + "://) in the local registry "
                        + local.directory() + (entries.isEmpty() ? "" : " (" + entries.size() + " listed, none live and up)")
                        + ".\nKnown services: " + (known.isEmpty() ? "none" : String.join(", ", known))
                        + ".\nStart the service, pass --dir if it registers elsewhere, or call it with --target " + scheme
                        + "://HOST:PORT.");
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
        JsonNode p = type.startsWith("application/problem+json") ? Json.tryParse(body) : null;
        if (p != null && p.isObject()) {
            err.println(Printable.line(p.path("code").asText("ERROR")) + " (HTTP " + status + ") from " + what + ":");
            err.println("  " + Printable.line(p.path("detail").asText(p.path("title").asText(""))));
            p.path("details").properties().forEach(d -> err.println("  " + Printable.line(d.getKey()) + ": "
                    + Printable.line(d.getValue().asText())));
            if (p.path("retrySafe").asBoolean(false)) {
                err.println("  (safe to retry)");
            }
            if (status == 404 && http == null) {
                err.println("If " + service + "." + method + " is mapped with @Get, @Post, ..., it answers at its own route:"
                        + " give it with --http 'VERB /path'.");
            }
        } else {
            err.println("HTTP " + status + " from " + what + (p == null && type.startsWith("application/problem+json")
                    ? " (its problem+json is not JSON)" : "") + ":");
            err.println("  " + Json.show(body));
        }
        return 1;
    }
}
