package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import io.courier.test.LogCapture;
import io.courier.test.TcpRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that go away with calls in flight: their handlers are cancelled, the server logs no
 * error and no stack trace, and it goes on answering the next caller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerGoneTest {
    private static final int CALLS = 48;

    /** A call that hangs until cancelled, and one that answers at once; public, as the dispatcher invokes it. */
    @Service("hang")
    public interface Hang {
        @Post("/hang/{n}") // not GET: java.net.http sends a GET again after a reset, which would hang anew
        String hang(@Path("n") int n);

        @Get("/ping")
        String ping();
    }

    /** Counts the calls that started and those that saw their cancellation. */
    static final class Hanging implements Hang {
        final CountDownLatch started = new CountDownLatch(CALLS);
        final CountDownLatch cancelled = new CountDownLatch(CALLS);

        @Override
        public String hang(int n) {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // until the call is cancelled
                return "never";
            } catch (InterruptedException e) {
                cancelled.countDown();
                Thread.currentThread().interrupt();
                throw new io.courier.CancelledException("hang " + n + " cancelled");
            }
        }

        @Override
        public String ping() {
            return "pong";
        }
    }

    @Test
    void http1ClientsCutMidCallCancelTheirHandlersWithoutErrors() throws Exception {
        Hanging impl = new Hanging();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (LogCapture log = LogCapture.start();
             Courier server = Courier.builder().name("peer-gone").build().serve(Hang.class, impl);
             TcpRelay relay = TcpRelay.to(server.address())) {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + "/hang/" + i))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(impl.started.await(20, TimeUnit.SECONDS)).as("every call reached its handler").isTrue();

            assertThat(relay.cut()).isGreaterThanOrEqualTo(CALLS); // one connection per HTTP/1.1 call in flight

            assertThat(impl.cancelled.await(10, TimeUnit.SECONDS)).as("every handler saw its cancellation, "
                    + impl.cancelled.getCount() + " did not").isTrue();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                assertThat(call).failsWithin(Duration.ofSeconds(10));
            }
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/ping"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("\"pong\"");

            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        } finally {
            http.shutdownNow(); // close() would wait for calls a failed assertion left in flight
        }
    }

    @Test
    void h2cClientCutMidCallCancelsEveryStreamWithoutErrors() throws Exception {
        Hanging impl = new Hanging();
        try (LogCapture log = LogCapture.start();
             Courier server = Courier.builder().name("peer-gone-h2").build().serve(Hang.class, impl);
             TcpRelay relay = TcpRelay.to(server.address());
             Courier clients = Courier.builder().name("peer-gone-h2-client").build();
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Hang viaRelay = clients.client(Hang.class).target(URI.create("h2c://127.0.0.1:" + relay.port()))
                    .deadline(Duration.ofSeconds(20)).build();
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> viaRelay.hang(n), callers));
            }
            assertThat(impl.started.await(20, TimeUnit.SECONDS)).as("every call reached its handler").isTrue();

            assertThat(relay.cut()).isPositive();

            assertThat(impl.cancelled.await(10, TimeUnit.SECONDS)).as("every handler saw its cancellation, "
                    + impl.cancelled.getCount() + " did not").isTrue();
            for (CompletableFuture<String> call : calls) {
                assertThat(call).failsWithin(Duration.ofSeconds(10));
            }
            Hang direct = clients.client(Hang.class).target(URI.create("h2c://127.0.0.1:" + server.address().getPort()))
                    .deadline(Duration.ofSeconds(5)).build();
            assertThat(direct.ping()).isEqualTo("pong");

            // The client saw its server go: one WARN for that endpoint, not one line per call.
            String lost = "h2c://127.0.0.1:" + relay.port() + ": connection lost";
            assertThat(log.lines("WARN").stream().filter(l -> l.contains(lost))).as(log.toString()).hasSize(1);

            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        }
    }
}
