package io.courier.http.internal;

import io.courier.http.Cors;
import io.courier.http.ServerLimits;
import java.util.Optional;

/**
 * What the REST server is configured with beyond the {@code Courier}'s transport context.
 *
 * @param cors        the cross-origin policy; empty answers no preflight and adds no CORS headers
 * @param compression whether response bodies over {@link #COMPRESS_ABOVE} bytes are compressed
 *                    for clients whose {@code Accept-Encoding} allows it
 * @param openApi     whether the contracts' OpenAPI description is served at {@code /openapi.json} and {@code .yaml}
 * @param contracts   whether the contracts' schema files are served at {@code /contracts/<service>.<extension>}
 * @param limits      connections, timeouts and HTTP/2 streams
 */
public record ServerSettings(Optional<Cors> cors, boolean compression, boolean openApi, boolean contracts,
                             ServerLimits limits) {
    /** Bodies up to this size are sent as they are: gzip would save a few bytes and cost a deflater. */
    public static final int COMPRESS_ABOVE = 1024;
    /** No CORS; compression on; OpenAPI and the contract files served; the default limits. */
    public static final ServerSettings DEFAULT = new ServerSettings(Optional.empty(), true, true, true);

    /** Settings with the default {@link ServerLimits}. */
    public ServerSettings(Optional<Cors> cors, boolean compression, boolean openApi, boolean contracts) {
        this(cors, compression, openApi, contracts, ServerLimits.defaults());
    }
}
