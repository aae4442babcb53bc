package io.courier.http.internal.vertx;

import io.courier.spi.TransportContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Vert.x of a {@code Courier}, shared by its HTTP and gRPC transports (whichever asks
 * first creates it), with the instance's event-loop count; the {@code Courier} closes it after
 * both transports. Its NIO transport ({@link ServerTuningTransport}) gathers the flushes of
 * each server connection's answers and lets a cleartext REST server time each connection's
 * first request from the accept ({@link FirstRequestClock}); clients are as Vert.x makes them.
 */
public final class SharedVertx {
    private static final Logger log = LoggerFactory.getLogger(SharedVertx.class);

    private SharedVertx() {
    }

    /** The {@code Courier}'s Vert.x, created on first use. */
    public static Vertx of(TransportContext context) {
        return context.shared().get(Vertx.class,
                () -> Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(context.eventLoops()))
                        .withTransport(ServerTuningTransport.NIO).build(),
                SharedVertx::close);
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
