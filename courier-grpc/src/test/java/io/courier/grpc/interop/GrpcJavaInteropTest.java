package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.DeadlineExceededException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.grpc.GrpcTransportFactory;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Courier and stock grpc-java talking to each other over {@code greeter.proto}, written by
 * hand: a Courier client calling a plain grpc-java (Netty) server, and grpc-java stubs generated
 * by {@code protoc} calling a Courier server; all four call types, metadata, deadlines, errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GrpcJavaInteropTest {
    private static final Metadata.Key<String> TENANT = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);

    private Server grpcJavaServer;
    private final AtomicReference<String> seenTenant = new AtomicReference<>();
    private final AtomicReference<Boolean> seenDeadline = new AtomicReference<>();
    private Courier courierServer;
    private Courier courierClient;
    private ManagedChannel channel;
    private final CountDownLatch courierHandlerInterrupted = new CountDownLatch(1);

    @BeforeAll
    void start() throws Exception {
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata h, ServerCallHandler<Q, R> next) {
                seenTenant.set(h.get(TENANT));
                seenDeadline.set(io.grpc.Context.current().getDeadline() != null);
                return next.startCall(call, h);
            }
        };
        grpcJavaServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new PlainGreeter(), headers)).build().start();

        courierServer = Courier.builder().name("courier-greeter").transport(GrpcTransportFactory.builder().build()).build();
        courierServer.serve(Greeter.class, new CourierGreeter(courierHandlerInterrupted));
        courierClient = Courier.builder().name("courier-caller").transport(GrpcTransportFactory.builder().build()).build();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", courierServer.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (courierClient != null) {
            courierClient.close();
        }
        if (courierServer != null) {
            courierServer.close();
        }
        if (grpcJavaServer != null) {
            grpcJavaServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static HelloRequest hello(String name, int times) {
        return HelloRequest.newBuilder().setName(name).setTimes(times).build();
    }

    // ---- a Courier client calling grpc-java ------------------------------------------------

    private Greeter courierClientOfGrpcJava() {
        return courierClient.client(Greeter.class).target(URI.create("grpc://127.0.0.1:" + grpcJavaServer.getPort()))
                .deadline(Duration.ofSeconds(10)).header("x-tenant", "acme").build();
    }

    @Test
    void courierClientCallsGrpcJavaUnaryWithMetadataAndDeadline() {
        HelloReply reply = courierClientOfGrpcJava().sayHello(hello("Ada", 1));

        assertThat(reply.getMessage()).isEqualTo("Hello Ada");
        assertThat(seenTenant.get()).isEqualTo("acme");
        assertThat(seenDeadline.get()).as("grpc-timeout reached grpc-java").isTrue();
    }

    @Test
    void courierClientGetsGrpcJavaErrorsAsTheirExceptions() {
        Throwable thrown = catchThrowable(() -> courierClientOfGrpcJava().sayHello(hello("missing", 1)));

        assertThat(thrown).isExactlyInstanceOf(NotFoundException.class).hasMessage("no such person: missing");
        assertThat(((CourierException) thrown).status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void courierClientCallsGrpcJavaStreams() {
        Greeter greeter = courierClientOfGrpcJava();

        try (Stream<HelloReply> replies = greeter.sayHelloStream(hello("Bo", 3))) {
            assertThat(replies.map(HelloReply::getMessage)).containsExactly("Hello Bo #1", "Hello Bo #2", "Hello Bo #3");
        }
        assertThat(greeter.collectHellos(Stream.of(hello("a", 1), hello("b", 1), hello("c", 1))).getMessage())
                .isEqualTo("Hello a, b, c");
        try (Stream<HelloReply> replies = greeter.chat(Stream.of(hello("x", 1), hello("y", 1)))) {
            assertThat(replies.map(HelloReply::getMessage)).containsExactly("Hi x", "Hi y");
        }
    }

    // ---- grpc-java stubs calling a Courier server --------------------------------------------

    private GreeterGrpc.GreeterBlockingStub blockingStub() {
        Metadata h = new Metadata();
        h.put(TENANT, "globex");
        return GreeterGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void grpcJavaStubCallsCourierUnaryWithMetadataAndDeadline() {
        HelloReply reply = blockingStub().sayHello(hello("context", 1));

        assertThat(reply.getMessage()).isEqualTo("tenant=globex deadline=true");
    }

    @Test
    void grpcJavaStubGetsCourierErrorsWithStatusAndMessage() {
        StatusRuntimeException thrown = (StatusRuntimeException) catchThrowable(() -> blockingStub().sayHello(hello("missing", 1)));

        assertThat(thrown.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
        assertThat(thrown.getStatus().getDescription()).isEqualTo("nobody called missing ✓");
        assertThat(thrown.getTrailers().keys()).contains("courier-details-bin");
    }

    @Test
    void grpcJavaDeadlineInterruptsTheCourierHandler() throws Exception {
        StatusRuntimeException thrown = (StatusRuntimeException) catchThrowable(() -> GreeterGrpc.newBlockingStub(channel)
                .withDeadlineAfter(300, TimeUnit.MILLISECONDS).sayHello(hello("slow", 1)));

        assertThat(thrown.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.DEADLINE_EXCEEDED);
        assertThat(courierHandlerInterrupted.await(10, TimeUnit.SECONDS)).as("the handler was interrupted").isTrue();
    }

    @Test
    void grpcJavaStubCallsCourierStreams() throws Exception {
        Iterator<HelloReply> replies = blockingStub().sayHelloStream(hello("Cy", 3));
        List<String> got = new ArrayList<>();
        replies.forEachRemaining(r -> got.add(r.getMessage()));
        assertThat(got).containsExactly("Hello Cy #1", "Hello Cy #2", "Hello Cy #3");

        GreeterGrpc.GreeterStub async = GreeterGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        Collector collected = new Collector();
        StreamObserver<HelloRequest> requests = async.collectHellos(collected);
        requests.onNext(hello("p", 1));
        requests.onNext(hello("q", 1));
        requests.onCompleted();
        assertThat(collected.await()).containsExactly("Hello p, q");

        Collector chat = new Collector();
        StreamObserver<HelloRequest> lines = async.chat(chat);
        lines.onNext(hello("one", 1));
        lines.onNext(hello("two", 1));
        lines.onCompleted();
        assertThat(chat.await()).containsExactly("Hi one", "Hi two");
    }

    @Test
    void courierClientCallsCourierServerOverProtobuf() {
        Greeter greeter = courierClient.client(Greeter.class).target(courierServer.uris().stream()
                .filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow()).header("x-tenant", "initech").build();

        assertThat(greeter.sayHello(hello("context", 1)).getMessage()).startsWith("tenant=initech ");
        try (Stream<HelloReply> replies = greeter.chat(Stream.of(hello("z", 1)))) {
            assertThat(replies.map(HelloReply::getMessage)).containsExactly("Hi z");
        }
    }

    private static final class Collector implements StreamObserver<HelloReply> {
        private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        private final List<String> messages = new ArrayList<>();

        @Override
        public void onNext(HelloReply value) {
            messages.add(value.getMessage());
        }

        @Override
        public void onError(Throwable t) {
            done.add(t);
        }

        @Override
        public void onCompleted() {
            done.add("ok");
        }

        List<String> await() throws Exception {
            Object result = done.poll(10, TimeUnit.SECONDS);
            assertThat(result).isEqualTo("ok");
            return messages;
        }
    }

    /** A plain grpc-java implementation of {@code greeter.proto}. */
    private static final class PlainGreeter extends GreeterGrpc.GreeterImplBase {
        @Override
        public void sayHello(HelloRequest request, StreamObserver<HelloReply> out) {
            if (request.getName().equals("missing")) {
                out.onError(io.grpc.Status.NOT_FOUND.withDescription("no such person: missing").asRuntimeException());
                return;
            }
            out.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
            out.onCompleted();
        }

        @Override
        public void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> out) {
            for (int i = 1; i <= request.getTimes(); i++) {
                out.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName() + " #" + i).build());
            }
            out.onCompleted();
        }

        @Override
        public StreamObserver<HelloRequest> collectHellos(StreamObserver<HelloReply> out) {
            List<String> names = new ArrayList<>();
            return new StreamObserver<>() {
                @Override
                public void onNext(HelloRequest value) {
                    names.add(value.getName());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onNext(HelloReply.newBuilder().setMessage("Hello " + String.join(", ", names)).build());
                    out.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(HelloRequest value) {
                    out.onNext(HelloReply.newBuilder().setMessage("Hi " + value.getName()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    /** The same service implemented as a Courier contract. */
    private record CourierGreeter(CountDownLatch interrupted) implements Greeter {
        @Override
        public HelloReply sayHello(HelloRequest request) {
            switch (request.getName()) {
                case "missing" -> throw new NotFoundException("nobody called missing ✓", java.util.Map.of("name", "missing"));
                case "slow" -> {
                    try {
                        new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return HelloReply.getDefaultInstance();
                }
                case "context" -> {
                    CallContext ctx = CallContext.current();
                    return HelloReply.newBuilder().setMessage("tenant=" + ctx.metadata().get("x-tenant").orElse("-")
                            + " deadline=" + ctx.deadline().isPresent()).build();
                }
                default -> {
                    return HelloReply.newBuilder().setMessage("Hello " + request.getName()).build();
                }
            }
        }

        @Override
        public Stream<HelloReply> sayHelloStream(HelloRequest request) {
            return java.util.stream.IntStream.rangeClosed(1, request.getTimes())
                    .mapToObj(i -> HelloReply.newBuilder().setMessage("Hello " + request.getName() + " #" + i).build());
        }

        @Override
        public HelloReply collectHellos(Stream<HelloRequest> requests) {
            return HelloReply.newBuilder().setMessage("Hello " + String.join(", ",
                    requests.map(HelloRequest::getName).toList())).build();
        }

        @Override
        public Stream<HelloReply> chat(Stream<HelloRequest> requests) {
            return requests.map(r -> HelloReply.newBuilder().setMessage("Hi " + r.getName()).build());
        }
    }
}
