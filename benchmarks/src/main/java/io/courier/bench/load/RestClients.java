package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Courier;
import io.courier.http.HttpTransportFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The REST clients of the {@code rest-client} scenario, all calling the same plain Vert.x server
 * ({@code vertx-rest}) with the same JSON echo: Courier's REST client over HTTP/1.1
 * ({@code http://}) and h2c, through a method returning a future or the blocking method, and
 * Vert.x's own {@link HttpClient}, what a user would write instead, over HTTP/1.1 (a pool of one
 * connection per call in flight) and HTTP/2 (prior knowledge, a few connections), on one event loop.
 */
final class RestClients implements AutoCloseable {
    /** Courier's variants: a future-returning method, then the blocking one; each over HTTP/1.1 and h2c. */
    static final List<String> COURIER = List.of("courier-rest-client", "courier-rest-client-h2c",
            "courier-rest-client-blocking", "courier-rest-client-blocking-h2c");
    /** Vert.x's client: HTTP/1.1 pooled, and HTTP/2. */
    static final List<String> VERTX = List.of("vertx-client", "vertx-client-h2");

    private final AutoCloseable owner;
    private final Runnable blocking;
    private final AsyncLoad.Sender sender;

    private RestClients(AutoCloseable owner, Runnable blocking, AsyncLoad.Sender sender) {
        this.owner = owner;
        this.blocking = blocking;
        this.sender = sender;
    }

    /** The client {@code variant} (one of {@link #COURIER} or {@link #VERTX}) for the server on {@code port}. */
    static RestClients open(String variant, int port, int connections) throws Exception {
        if (VERTX.contains(variant)) {
            return vertx(variant.equals("vertx-client-h2"), port, connections);
        }
        URI target = URI.create((variant.endsWith("-h2c") ? "h2c" : "http") + "://127.0.0.1:" + port);
        Courier courier = Courier.builder().name("bench-client").transport(new HttpTransportFactory()).build();
        Echo echo = courier.client(Echo.class).target(target).build();
        AsyncEcho async = courier.client(AsyncEcho.class).target(target).build();
        Payload sample = Payload.sample();
        return new RestClients(courier, () -> echo.echo(sample), () -> async.echo(sample));
    }

    /**
     * Vert.x's {@link HttpClient} on one event loop: HTTP/1.1 with keep-alive and up to
     * {@code connections} pooled connections (one per call in flight), or HTTP/2 with prior
     * knowledge over {@code connections} connections; the body checked for a 200 and read whole.
     */
    private static RestClients vertx(boolean h2, int port, int connections) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true);
        PoolOptions pool = new PoolOptions();
        if (h2) {
            options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
            pool.setHttp2MaxSize(connections);
        } else {
            pool.setHttp1MaxSize(connections);
        }
        HttpClient client = vertx.createHttpClient(options, pool);
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/echo").putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        Buffer body = Buffer.buffer(new ObjectMapper().writeValueAsBytes(Payload.sample()));
        AsyncLoad.Sender sender = () -> client.request(request).compose(req -> req.send(body).compose(response ->
                response.statusCode() == 200 ? response.body() : Future.<Buffer>failedFuture("status "
                        + response.statusCode()))).toCompletionStage();
        return new RestClients(() -> vertx.close().toCompletionStage().toCompletableFuture().join(), null, sender);
    }

    /** One call at a time without blocking (the closed and open loops of {@link AsyncLoad}). */
    AsyncLoad.Sender sender() {
        return sender;
    }

    /** The blocking call, for virtual threads; Courier's variants only. */
    Runnable blocking() {
        if (blocking == null) {
            throw new IllegalStateException("no blocking call: Vert.x's client has none");
        }
        return blocking;
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
