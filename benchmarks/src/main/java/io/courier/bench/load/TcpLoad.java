package io.courier.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The loopback floor: 100-byte ping-pongs over raw TCP connections on Netty (through Vert.x's thin
 * socket API), one request in flight per connection. No HTTP, no codec: what the wire costs.
 */
final class TcpLoad implements AutoCloseable {
    private static final int SIZE = 100;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final int port;

    TcpLoad(int port) {
        this.port = port;
    }

    Measurement closedLoop(String variant, int connections, double warmupSeconds, double seconds) {
        NetClient client = vertx.createNetClient();
        List<NetSocket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sockets.add(client.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture().join());
        }
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        Buffer ping = Buffer.buffer(new byte[SIZE]);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(connections);
        vertx.runOnContext(v -> {
            for (NetSocket socket : sockets) {
                long[] sent = {System.nanoTime()};
                int[] received = {0};
                socket.handler(buffer -> {
                    received[0] += buffer.length();
                    if (received[0] < SIZE) {
                        return;
                    }
                    received[0] = 0;
                    long now = System.nanoTime();
                    if (sent[0] >= measureFrom && now < end) {
                        histogram.recordValue(now - sent[0]);
                    }
                    if (now >= end) {
                        if (running.decrementAndGet() == 0) {
                            done.complete(null);
                        }
                        return;
                    }
                    sent[0] = now;
                    socket.write(ping);
                });
                socket.write(ping);
            }
        });
        done.join();
        sockets.forEach(NetSocket::close);
        return Measurement.of(variant, "closed-" + connections, histogram, 0, seconds);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
