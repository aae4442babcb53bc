package io.courier.http.internal;

import io.courier.PermissionDeniedException;
import io.courier.http.Cors;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/**
 * Applies a {@link Cors} policy to each request before it is routed (to a REST route or to
 * gRPC-Web): answers preflights, 204 with the {@code Access-Control-*} headers or 403 without
 * any, and marks the responses of allowed origins. A disallowed origin's ordinary request is
 * served without CORS headers, so the browser withholds the answer from the page.
 */
final class CrossOrigin {
    private final Cors cors;
    private final String methods;
    private final String headers;
    private final String exposed;
    private final String maxAge;

    CrossOrigin(Cors cors) {
        this.cors = cors;
        this.methods = String.join(", ", cors.allowedMethods());
        this.headers = String.join(", ", cors.allowedHeaders());
        this.exposed = String.join(", ", cors.exposedHeaders());
        this.maxAge = Long.toString(cors.maxAge().toSeconds());
    }

    /** Whether {@code request} was a preflight, now answered; otherwise its response carries the CORS headers it may. */
    boolean answered(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return false;
        }
        HttpServerResponse response = request.response();
        response.putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        String wanted = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
        if (request.method() == HttpMethod.OPTIONS && wanted != null) {
            preflight(request, origin, wanted);
            return true;
        }
        if (cors.allows(origin)) {
            allow(response, origin);
            if (!exposed.isEmpty()) {
                response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
            }
        }
        return false;
    }

    private void preflight(HttpServerRequest request, String origin, String method) {
        String refusal = null;
        if (!cors.allows(origin)) {
            refusal = "origin: " + origin + " (expected: an allowed origin)";
        } else if (!cors.allowedMethods().contains(method.trim())) {
            refusal = "access-control-request-method: " + method + " (expected: one of " + methods + ")";
        } else {
            String asked = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked != null) {
                for (String h : asked.split(",")) {
                    String name = h.trim().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty() && !cors.allowedHeaders().contains(name)) {
                        refusal = "access-control-request-headers: " + name + " (expected: one of " + headers + ")";
                        break;
                    }
                }
            }
        }
        if (refusal != null) {
            ServerExchange.refuse(request, 403, new PermissionDeniedException("CORS preflight refused: " + refusal));
            return;
        }
        HttpServerResponse response = request.response();
        allow(response, origin);
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods)
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, maxAge);
        if (!headers.isEmpty()) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        response.setStatusCode(204).end();
    }

    private void allow(HttpServerResponse response, String origin) {
        boolean any = cors.allowedOrigins().contains(Cors.ANY_ORIGIN);
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, any ? Cors.ANY_ORIGIN : origin);
        if (cors.allowCredentials()) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
    }
}
