package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The same HTTP/1.1 load generator for every REST server, so only the server differs: a Vert.x
 * client on one event loop, one connection per request in flight, latency in an HdrHistogram.
 */
final class HttpLoad implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client;
    private final RequestOptions request;
    private final Buffer body;

    HttpLoad(int port, int connections) throws Exception {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections));
        this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/echo").putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        this.body = Buffer.buffer(new ObjectMapper().writeValueAsBytes(Payload.sample()));
    }

    /** {@code inFlight} requests at all times: warm up, then measure; returns the measured window. */
    Measurement closedLoop(String variant, int inFlight, double warmupSeconds, double seconds) {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(inFlight);
        vertx.runOnContext(v -> {
            for (int i = 0; i < inFlight; i++) {
                loop(histogram, errors, measureFrom, end, running, done);
            }
        });
        done.join();
        return Measurement.of(variant, "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    private void loop(Histogram h, AtomicLong errors, long measureFrom, long end, AtomicLong running,
                      CompletableFuture<Void> done) {
        long sent = System.nanoTime();
        if (sent >= end) {
            if (running.decrementAndGet() == 0) {
                done.complete(null);
            }
            return;
        }
        send().onComplete(ar -> {
            long now = System.nanoTime();
            if (sent >= measureFrom && now < end) {
                if (ar.succeeded()) {
                    h.recordValue(Math.min(now - sent, h.getHighestTrackableValue()));
                } else {
                    errors.incrementAndGet();
                }
            }
            loop(h, errors, measureFrom, end, running, done);
        });
    }

    /**
     * Requests arriving at {@code rate} per second whatever the server does (open loop), latency
     * measured from each request's intended start, so a stall is not hidden.
     */
    Measurement openLoop(String variant, int rate, double warmupSeconds, double seconds) {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        long total = (long) ((warmupSeconds + seconds) * rate);
        double intervalNanos = 1e9 / rate;
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong outstanding = new AtomicLong(total);
        long[] next = {0};
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (next[0] < total && start + (long) (next[0] * intervalNanos) <= now) {
                long intended = start + (long) (next[0] * intervalNanos);
                next[0]++;
                send().onComplete(ar -> {
                    long finished = System.nanoTime();
                    if (intended >= measureFrom && intended < end) {
                        if (ar.succeeded()) {
                            histogram.recordValue(Math.min(finished - intended, histogram.getHighestTrackableValue()));
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    if (outstanding.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                });
            }
        });
        try {
            done.get((long) (warmupSeconds + seconds + 30), TimeUnit.SECONDS);
        } catch (Exception e) {
            errors.addAndGet(outstanding.get());
        } finally {
            vertx.cancelTimer(timer);
        }
        return Measurement.of(variant, "open-" + rate, histogram, errors.get(), seconds);
    }

    /** One request after another as an {@link AsyncLoad.Sender}, for loops that count calls instead of timing them. */
    AsyncLoad.Sender sender() {
        return () -> send().toCompletionStage();
    }

    private io.vertx.core.Future<Buffer> send() {
        return client.request(request).compose(req -> req.send(body).compose(response -> {
            if (response.statusCode() != 200) {
                return io.vertx.core.Future.failedFuture("status " + response.statusCode());
            }
            return response.body();
        }));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
