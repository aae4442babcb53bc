package io.courier.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.InternalException;
import io.courier.http.HttpRoutes;
import io.courier.spi.ChannelCatalog;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code GET /asyncapi.json} on the REST server of the same Courier: the catalog's uses as they are now. */
public final class AsyncApiRoute extends HttpRoutes {
    public static final String PATH = "/asyncapi.json";
    private static final Logger log = LoggerFactory.getLogger(AsyncApiRoute.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String title;
    private final ChannelCatalog catalog;
    private final String contentType;

    public AsyncApiRoute(String title, ChannelCatalog catalog, String contentType) {
        super("asyncapi");
        this.title = title;
        this.catalog = catalog;
        this.contentType = contentType;
    }

    /** The document of {@code catalog}'s uses now, in JSON. */
    public static String json(String title, ChannelCatalog catalog, String contentType) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                    AsyncApiDocument.of(title, catalog.channelUses(), contentType));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the AsyncAPI document of " + title, e);
        }
    }

    @Override
    public boolean accepts(HttpServerRequest request) {
        return (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) && request.path().equals(PATH);
    }

    @Override
    public void handle(HttpServerRequest request) {
        String body;
        try {
            body = json(title, catalog, contentType);
        } catch (RuntimeException e) {
            log.warn("describing the channels of {} failed", title, e);
            // The cause stays in the server's log: its message may name internals a caller must not see.
            byte[] problem = ServerExchange.problem(new InternalException("the AsyncAPI description of " + title
                    + " could not be written; the server's log has the cause"), 500);
            request.response().setStatusCode(500).putHeader("content-type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(problem));
            return;
        }
        request.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(body);
    }
}
