package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Courier;
import io.courier.Interceptor;
import io.courier.ResourceExhaustedException;
import io.courier.grpc.interop.RawUnary;
import io.courier.resilience.Bulkhead;
import io.courier.resilience.GradientLimit;
import io.courier.resilience.Retry;
import io.courier.test.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load shedding on a live server answering REST and gRPC on one port: what a refusal looks like
 * on each protocol, that a Courier client retries it although the call is not idempotent, and
 * that the limit follows an overload down and comes back up after it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadSheddingTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    /** Outermost: counts what the shedder refused, as metrics would. */
    private final Interceptor counting = (call, next) -> next.proceed(call).whenComplete((v, f) -> {
        if (f instanceof ResourceExhaustedException || (f != null && f.getCause() instanceof ResourceExhaustedException)) {
            refusals.incrementAndGet();
        }
    });

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private Courier serve(Bulkhead shedder, Work work) {
        Courier server = Courier.builder().name("work").serverInterceptor(counting).serverInterceptor(shedder).build()
                .serve(Work.class, work);
        open.add(server);
        return server;
    }

    private static HttpRequest post(Courier server, String name) {
        return HttpRequest.newBuilder(URI.create(server.uri() + "/work")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build();
    }

    @Test
    void aShedCallIs503OrResourceExhaustedAndACourierClientRetriesIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Bulkhead shedder = Bulkhead.loadShedder().maxConcurrentCalls(1).build();
        Courier server = serve(shedder, job -> {
            if (job.name().equals("hold")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Work.Done(job.name());
        });
        HttpClient http = HttpClient.newHttpClient();
        open.add(http);
        CompletableFuture<HttpResponse<String>> held = http.sendAsync(post(server, "hold"),
                HttpResponse.BodyHandlers.ofString());
        Await.until(Duration.ofSeconds(10), "the one place taken", () -> shedder.inFlight() == 1);

        HttpResponse<String> rest = http.send(post(server, "x"), HttpResponse.BodyHandlers.ofString());
        assertThat(rest.statusCode()).isEqualTo(503);
        assertThat(rest.headers().firstValue("retry-after")).hasValue("1");
        assertThat(rest.body()).contains("\"code\":\"RESOURCE_EXHAUSTED\"").contains("\"retrySafe\":true")
                .contains("server overloaded: work.work was not run");

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.uri().getPort()).usePlaintext().build();
        open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                () -> RawUnary.of(Work.class, "work").call(channel, Duration.ofSeconds(5), Work.protobufJob("y")));
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(grpc.getTrailers().get(RateLimitOnTheWireTest.PUSHBACK)).isEqualTo("1000");

        // A Courier client retries the refused POST: the server said it was not run.
        Courier clients = Courier.builder().name("clients").build();
        open.add(clients);
        Work work = clients.client(Work.class).target(server.uri()).interceptor(Retry.builder().maxAttempts(50)
                .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(50)).build()).build();
        int before = refusals.get();
        CompletableFuture<Work.Done> retried = CompletableFuture.supplyAsync(() -> work.work(new Work.Job("z")),
                Executors.newVirtualThreadPerTaskExecutor());
        Await.until(Duration.ofSeconds(10), "the client refused at least twice", () -> refusals.get() >= before + 2);
        assertThat(retried).isNotDone();
        release.countDown();
        assertThat(retried.get(10, TimeUnit.SECONDS)).isEqualTo(new Work.Done("z"));
        assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    /**
     * A server whose work needs one of four permits for 10 ms (a pool, a disk): three callers it
     * answers at once; 48 callers queue for 120 ms each without shedding. With it, the limit
     * falls from 100 and the surplus is refused with 503; once the load is one it can take, the
     * limit climbs back and no call is refused.
     */
    @Test
    void theLimitFollowsAnOverloadDownAndComesBackAfterIt() throws Exception {
        Semaphore pool = new Semaphore(4, true);
        Bulkhead shedder = Bulkhead.loadShedder()
                .adaptive(GradientLimit.builder().initialLimit(100).minLimit(2).window(Duration.ofMillis(50), 10).build())
                .build();
        Courier server = serve(shedder, job -> {
            pool.acquireUninterruptibly();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pool.release();
            }
            return new Work.Done(job.name());
        });
        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        open.add(http);

        Load warmUp = Load.start(http, post(server, "w"), 3);
        // A window counted in calls, not in time: enough for several of the limit's windows.
        Await.until(Duration.ofSeconds(20), () -> "200 warm-up calls served: " + warmUp.served,
                () -> warmUp.served.get() >= 200);
        warmUp.stop();
        assertThat(warmUp.refused).hasValue(0);
        // Near its start of 100: a gradient limit moves with each window's latency, which a busy
        // machine raises a little; well above what the overload below brings it down to.
        assertThat(shedder.limit()).as("the limit after a light load").isGreaterThanOrEqualTo(50);

        Load overload = Load.start(http, post(server, "o"), 48);
        Await.until(Duration.ofSeconds(20), () -> "the limit under 24 and calls refused: " + shedder,
                () -> shedder.limit() < 24 && overload.refused.get() > 0);
        overload.stop();
        assertThat(overload.refusedWithoutRetryAfter).hasValue(0);
        assertThat(overload.served.get()).isPositive();

        Load normal = Load.start(http, post(server, "n"), 6);
        Await.until(Duration.ofSeconds(30), () -> "the limit back over 10: " + shedder, () -> shedder.limit() > 10);
        int refusedSoFar = normal.refused.get();
        int servedSoFar = normal.served.get();
        Await.until(Duration.ofSeconds(20), () -> "100 more calls served: " + normal.served,
                () -> normal.served.get() >= servedSoFar + 100);
        normal.stop();
        assertThat(normal.refused).as("calls refused once the limit came back").hasValue(refusedSoFar);
    }

    /** Callers each sending the same request again as soon as answered; a refused one waits 10 ms. */
    private static final class Load {
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> callers = new ArrayList<>();

        static Load start(HttpClient http, HttpRequest request, int callers) {
            Load load = new Load();
            for (int i = 0; i < callers; i++) {
                load.callers.add(Thread.ofVirtual().start(() -> {
                    while (load.running.get()) {
                        try {
                            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() == 200) {
                                load.served.incrementAndGet();
                            } else if (r.statusCode() == 503) {
                                load.refused.incrementAndGet();
                                if (r.headers().firstValue("retry-after").isEmpty()) {
                                    load.refusedWithoutRetryAfter.incrementAndGet();
                                }
                                Thread.sleep(10);
                            } else {
                                throw new AssertionError("status " + r.statusCode());
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }));
            }
            return load;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : callers) {
                t.join(Duration.ofSeconds(10));
            }
        }
    }
}
