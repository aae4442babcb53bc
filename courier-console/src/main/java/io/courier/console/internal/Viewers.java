package io.courier.console.internal;

import io.courier.Metadata;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The credentials of a request to view the console. A browser cannot add a header to the page it
 * navigates to, nor to an {@code EventSource}: the sign-in page keeps the token typed there in a
 * cookie, read here as {@code Authorization: Bearer} when the request has no such header. Only
 * views read the cookie; actions need the header, so that no page elsewhere acts with a
 * viewer's cookie.
 */
final class Viewers {
    /** The cookie the sign-in page sets (path: the console's, SameSite=Strict). */
    static final String COOKIE = "courier-console-token";

    private Viewers() {
    }

    /** The request's headers, lower-cased, with the cookie's token as the authorization when it has none. */
    static Metadata credentials(HttpServerRequest request, boolean readCookie) {
        Metadata.Builder b = Metadata.builder();
        request.headers().forEach(h -> b.add(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        Cookie token = readCookie && request.getHeader("authorization") == null ? request.getCookie(COOKIE) : null;
        if (token != null && !token.getValue().isBlank()) {
            b.add("authorization", "Bearer " + URLDecoder.decode(token.getValue(), StandardCharsets.UTF_8).strip());
        }
        return b.build();
    }
}
