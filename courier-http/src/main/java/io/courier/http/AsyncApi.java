package io.courier.http;

import io.courier.http.internal.AsyncApiRoute;
import io.courier.spi.ChannelCatalog;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.util.Objects;

/**
 * The AsyncAPI 3.0 description of what a service does on message channels, made from a
 * {@link ChannelCatalog} (a {@code Messaging} is one): a channel per message channel, an
 * operation per use (publishing or handling events in a group, sending or handling commands with
 * their replies, scatter-gather requests and answers), message payloads as JSON Schemas and
 * Courier's envelope headers. Served at {@code GET /asyncapi.json} on the REST port when the
 * factory of {@link #served} is given to the {@code Courier}:
 *
 * <pre>{@code
 * Messaging messaging = Messaging.builder().name("kitchen").broker(broker).build();
 * Courier courier = Courier.builder().name("kitchen")
 *     .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
 *     .transport(AsyncApi.served("kitchen", messaging))
 *     .build();
 * }</pre>
 *
 * <p>The document shows the uses seen so far: the subscriptions and handled contracts from the
 * start, an event type once it has been published.
 */
public final class AsyncApi {
    private AsyncApi() {
    }

    /** The description of {@code catalog}'s uses now, in JSON, with payloads in {@code application/json}. */
    public static String json(String title, ChannelCatalog catalog) {
        return AsyncApiRoute.json(Objects.requireNonNull(title, "title"), Objects.requireNonNull(catalog, "catalog"),
                "application/json");
    }

    /** A transport factory serving {@link #json} at {@code GET /asyncapi.json} on the REST server. */
    public static TransportFactory served(String title, ChannelCatalog catalog) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(catalog, "catalog");
        return new TransportFactory() {
            @Override
            public String name() {
                return "asyncapi";
            }

            @Override
            public Transport create(TransportContext context) {
                return new AsyncApiRoute(title, catalog, "application/json");
            }
        };
    }
}
