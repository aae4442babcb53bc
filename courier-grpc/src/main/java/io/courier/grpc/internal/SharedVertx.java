package io.courier.grpc.internal;

import io.courier.spi.TransportContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Vert.x of a {@code Courier}, shared by its HTTP and gRPC transports (whichever asks
 * first creates it), with the instance's event-loop count; the {@code Courier} closes it after
 * both transports. With {@code courier-http} present it is the one {@code courier-http} makes,
 * whose cleartext REST port (gRPC's too, then) times each connection's first request from the
 * accept, whichever transport is created first.
 */
final class SharedVertx {
    private static final Logger log = LoggerFactory.getLogger(SharedVertx.class);

    private SharedVertx() {
    }

    static Vertx of(TransportContext context) {
        if (RestPort.available()) {
            return Rest.vertx(context);
        }
        return context.shared().get(Vertx.class,
                () -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(context.eventLoops())
                        .setPreferNativeTransport(false)),
                SharedVertx::close);
    }

    /** Loaded only with {@code courier-http} present. */
    private static final class Rest {
        static Vertx vertx(TransportContext context) {
            return io.courier.http.internal.vertx.SharedVertx.of(context);
        }
    }

    private static void close(Vertx vertx) {
        try {
            // Closing Vert.x closes every server and connection left; bounded so close() never hangs.
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("closing the Courier's Vert.x did not finish: {}", e.toString());
        }
    }
}
