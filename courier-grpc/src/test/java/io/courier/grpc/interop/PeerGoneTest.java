package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import io.courier.CancelledException;
import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.test.LogCapture;
import io.courier.test.TcpRelay;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * grpc-java clients that go away with calls in flight, by a cut connection or by cancelling
 * their calls: the handlers see the cancellation, the server logs no error and no stack trace,
 * and it answers the next caller. On the gRPC server's own port and on the REST port it shares.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerGoneTest {
    private static final int CHANNELS = 8;
    private static final int CALLS_PER_CHANNEL = 8;
    private static final int CALLS = CHANNELS * CALLS_PER_CHANNEL;
    private static final int STREAMS = 200;
    private static final int BURST = 20;

    /** sayHello("hang") waits until cancelled; counts the calls that started and those that saw their cancellation. */
    private static final class Hanging extends HelloGreeter {
        final CountDownLatch started = new CountDownLatch(CALLS);
        final CountDownLatch cancelled = new CountDownLatch(CALLS);

        @Override
        public HelloReply sayHello(HelloRequest request) {
            if (!request.getName().equals("hang")) {
                return super.sayHello(request);
            }
            started.countDown();
            try {
                new CountDownLatch(1).await(); // until the call is cancelled
                throw new IllegalStateException("not reached");
            } catch (InterruptedException e) {
                cancelled.countDown();
                Thread.currentThread().interrupt();
                throw new CancelledException("hang cancelled");
            }
        }
    }

    private static Courier server(boolean sharedPort, Greeter impl) {
        // With courier-http on the class path, the default builder serves gRPC on the REST port.
        Courier.Builder builder = Courier.builder().name("peer-gone");
        if (!sharedPort) {
            builder.transport(GrpcTransportFactory.builder().build());
        }
        return builder.build().serve(Greeter.class, impl);
    }

    @ParameterizedTest(name = "shared port: {0}")
    @ValueSource(booleans = {false, true})
    void connectionsCutMidCallCancelTheirHandlersWithoutErrors(boolean sharedPort) throws Exception {
        Hanging impl = new Hanging();
        List<ManagedChannel> channels = new ArrayList<>();
        try (LogCapture log = LogCapture.start();
             Courier server = server(sharedPort, impl);
             TcpRelay relay = TcpRelay.to(server.address())) {
            List<ListenableFuture<HelloReply>> calls = new ArrayList<>();
            for (int c = 0; c < CHANNELS; c++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", relay.port()).usePlaintext().build();
                channels.add(channel);
                for (int i = 0; i < CALLS_PER_CHANNEL; i++) {
                    calls.add(GreeterGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .sayHello(HelloRequest.newBuilder().setName("hang").build()));
                }
            }
            assertThat(impl.started.await(20, TimeUnit.SECONDS)).as("every call reached its handler").isTrue();

            assertThat(relay.cut()).isEqualTo(CHANNELS);

            assertThat(impl.cancelled.await(10, TimeUnit.SECONDS)).as("every handler saw its cancellation, "
                    + impl.cancelled.getCount() + " did not").isTrue();
            for (ListenableFuture<HelloReply> call : calls) {
                assertThat(catchFailure(call)).isInstanceOf(ExecutionException.class);
            }
            assertNextCallAnswered(server);
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    @ParameterizedTest(name = "shared port: {0}")
    @ValueSource(booleans = {false, true})
    void callsCancelledByTheClientCancelTheirHandlersWithoutErrors(boolean sharedPort) throws Exception {
        Hanging impl = new Hanging();
        ManagedChannel channel = null;
        try (LogCapture log = LogCapture.start();
             Courier server = server(sharedPort, impl)) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
            List<ListenableFuture<HelloReply>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(GreeterGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .sayHello(HelloRequest.newBuilder().setName("hang").build()));
            }
            assertThat(impl.started.await(20, TimeUnit.SECONDS)).as("every call reached its handler").isTrue();

            calls.forEach(call -> call.cancel(true)); // RST_STREAM CANCEL for each, the connection stays

            assertThat(impl.cancelled.await(10, TimeUnit.SECONDS)).as("every handler saw its cancellation, "
                    + impl.cancelled.getCount() + " did not").isTrue();
            HelloReply next = GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .sayHello(HelloRequest.newBuilder().setName("Ada").build());
            assertThat(next.getMessage()).as("the same connection carries the next call").isEqualTo("Hello Ada");
            assertNextCallAnswered(server);
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }

    /** sayHelloStream yields {@link #BURST} replies at once. */
    private static final class Bursts extends HelloGreeter {
        @Override
        public Stream<HelloReply> sayHelloStream(HelloRequest request) {
            return IntStream.range(0, BURST).mapToObj(i -> HelloReply.newBuilder().setMessage(i + " " + request.getName()).build());
        }
    }

    /**
     * Clients that reset server streams at every point of the response, from the first message
     * to the last: the server stops writing each one without an ERROR or a stack trace, and
     * answers the next caller. (The narrow case of a reset that arrives after the server took the
     * end of the call but before it wrote it is made certain in {@link ResetAfterEndTest}.)
     */
    @ParameterizedTest(name = "shared port: {0}")
    @ValueSource(booleans = {false, true})
    void streamsResetMidResponseEndWithoutErrors(boolean sharedPort) throws Exception {
        ManagedChannel channel = null;
        try (LogCapture log = LogCapture.start();
             Courier server = server(sharedPort, new Bursts())) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
            CountDownLatch closed = new CountDownLatch(STREAMS);
            AtomicInteger reset = new AtomicInteger();
            for (int i = 0; i < STREAMS; i++) {
                int resetAfter = 1 + i % BURST; // from the first message to the last
                ClientCall<HelloRequest, HelloReply> call = channel.newCall(GreeterGrpc.getSayHelloStreamMethod(),
                        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
                call.start(new ClientCall.Listener<>() {
                    private int received;

                    @Override
                    public void onMessage(HelloReply message) {
                        if (++received == resetAfter) {
                            call.cancel("reset mid-response", null); // RST_STREAM CANCEL
                        }
                    }

                    @Override
                    public void onClose(io.grpc.Status status, Metadata trailers) {
                        if (status.getCode() == io.grpc.Status.Code.CANCELLED) {
                            reset.incrementAndGet();
                        }
                        closed.countDown();
                    }
                }, new Metadata());
                call.sendMessage(HelloRequest.newBuilder().setName("burst").build());
                call.halfClose();
                call.request(BURST);
            }

            assertThat(closed.await(20, TimeUnit.SECONDS)).as(closed.getCount() + " streams not closed").isTrue();
            assertThat(reset.get()).as("streams the client reset").isPositive();
            assertNextCallAnswered(server);
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }

    /**
     * A Courier gRPC client under load whose server closes: every call after that fails, fast,
     * as UNAVAILABLE, and the client says so in one WARN line for the endpoint, not one per call.
     */
    @Test
    void aClientUnderLoadLogsItsLostServerOncePerEndpoint() throws Exception {
        Courier server = server(false, new Bursts());
        try (LogCapture log = LogCapture.start();
             Courier clients = Courier.builder().name("peer-gone-client").transport(GrpcTransportFactory.builder().build())
                     .build();
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            String target = "grpc://127.0.0.1:" + server.address().getPort();
            Greeter greeter = clients.client(Greeter.class).target(URI.create(target)).deadline(Duration.ofSeconds(5))
                    .build();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                callers.execute(() -> {
                    while (running.get()) {
                        try {
                            greeter.sayHello(HelloRequest.newBuilder().setName("load").build());
                            answered.incrementAndGet();
                        } catch (UnavailableException e) {
                            unavailable.incrementAndGet();
                        }
                    }
                });
            }
            try {
                await("calls answered", () -> answered.get() >= 200);
                server.close();
                await("calls failing after the close", () -> unavailable.get() >= 200);
            } finally {
                running.set(false);
            }
            callers.shutdown();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(log.lines("WARN")).as(log.toString()).filteredOn(l -> l.contains(target + ": connection lost"))
                    .hasSize(1);
            assertThat(log.lines("WARN")).as(log.toString()).hasSize(1);
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        } finally {
            server.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("%s within 20 s", what).isNegative();
            Thread.sleep(5); // a poll interval, not a wait for the condition
        }
    }

    /** A fresh grpc-java channel's call is answered within 5 s. */
    static void assertNextCallAnswered(Courier server) throws InterruptedException {
        ManagedChannel fresh = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext()
                .build();
        try {
            HelloReply reply = GreeterGrpc.newBlockingStub(fresh).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .sayHello(HelloRequest.newBuilder().setName("Grace").build());
            assertThat(reply.getMessage()).isEqualTo("Hello Grace");
        } finally {
            fresh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Throwable catchFailure(ListenableFuture<HelloReply> call) throws InterruptedException {
        try {
            call.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e;
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        }
    }
}
