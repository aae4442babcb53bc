package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.Ticks;
import io.courier.grpc.Ticks.Tick;
import io.courier.protobuf.ProtoService;
import io.courier.test.Await;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthProto;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Server reflection asked with grpc-java's own stubs, as grpcurl asks it: list the services,
 * fetch a file by symbol and by name, build a {@link FileDescriptor} from what came back, and
 * call the server with {@link DynamicMessage}s made from it alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReflectionTest {
    private Courier server;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        server = Courier.builder().name("reflected").transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Ticks.class, new Ticks() {
            @Override
            public Stream<Tick> count(Tick upTo) {
                return LongStream.rangeClosed(1, upTo.n()).mapToObj(n -> new Tick(n, upTo.label()));
            }

            @Override
            public Stream<Tick> forever(Tick start) {
                return Stream.iterate(start, t -> new Tick(t.n() + 1, t.label()));
            }

            @Override
            public Tick sum(Stream<Tick> ticks) {
                return new Tick(ticks.mapToLong(Tick::n).sum(), "sum");
            }

            @Override
            public Stream<Tick> doubled(Stream<Tick> ticks) {
                return ticks.map(t -> new Tick(t.n() * 2, t.label()));
            }
        });
        server.serve(Greeter.class, new HelloGreeter());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    /** Sends the requests on one reflection stream and collects the answers. */
    private List<ServerReflectionResponse> ask(ServerReflectionRequest... requests) throws Exception {
        LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        List<ServerReflectionResponse> responses = new ArrayList<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        responses.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.add("ok");
                    }
                });
        for (ServerReflectionRequest r : requests) {
            out.onNext(r);
        }
        out.onCompleted();
        assertThat(done.poll(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(responses).hasSameSizeAs(requests);
        return responses;
    }

    private static ServerReflectionRequest symbol(String symbol) {
        return ServerReflectionRequest.newBuilder().setHost("localhost").setFileContainingSymbol(symbol).build();
    }

    /** Builds the first file of a response from the files sent with it, as a reflection client does. */
    private static FileDescriptor build(ServerReflectionResponse response) throws Exception {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        List<ByteString> files = response.getFileDescriptorResponse().getFileDescriptorProtoList();
        assertThat(files).isNotEmpty();
        for (ByteString bytes : files) {
            FileDescriptorProto p = FileDescriptorProto.parseFrom(bytes);
            protos.put(p.getName(), p);
        }
        return build(FileDescriptorProto.parseFrom(files.get(0)).getName(), protos, new HashMap<>());
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built)
            throws Exception {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        assertThat(proto).as("the response carries %s", name).isNotNull();
        FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < deps.length; i++) {
            deps[i] = build(proto.getDependency(i), protos, built);
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
        built.put(name, file);
        return file;
    }

    @Test
    void listsTheServedServicesAndHealth() throws Exception {
        ServerReflectionResponse listed = ask(ServerReflectionRequest.newBuilder().setListServices("*").build()).get(0);

        assertThat(listed.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .containsExactlyInAnyOrder("ticks.Ticks", "interop.Greeter", "grpc.health.v1.Health");
        assertThat(listed.getValidHost()).isEmpty();
        assertThat(listed.getOriginalRequest().getListServices()).isEqualTo("*");
    }

    @Test
    void aServiceFileIsTheContractsExportWithItsStreamingRpcs() throws Exception {
        ServerReflectionResponse response = ask(symbol("ticks.Ticks")).get(0);
        FileDescriptor file = build(response);

        assertThat(response.getValidHost()).isEqualTo("localhost");
        assertThat(file.toProto()).isEqualTo(ProtoService.of(Ticks.class).toFileDescriptorProto());
        ServiceDescriptor ticks = file.findServiceByName("Ticks");
        assertThat(ticks.getMethods()).extracting(MethodDescriptor::getName)
                .containsExactly("Count", "Doubled", "Forever", "Sum");
        assertThat(ticks.findMethodByName("Sum").isClientStreaming()).isTrue();
        assertThat(ticks.findMethodByName("Sum").isServerStreaming()).isFalse();
        assertThat(ticks.findMethodByName("Doubled").isServerStreaming()).isTrue();
        assertThat(file.findMessageTypeByName("Tick").getFields()).extracting(f -> f.getName())
                .containsExactly("n", "label");
    }

    @Test
    void findsFilesByEverySymbolAndByName() throws Exception {
        List<ServerReflectionResponse> answers = ask(
                symbol("ticks.Tick"),
                symbol("ticks.Ticks.Sum"),
                ServerReflectionRequest.newBuilder().setFileByFilename("ticks/ticks.proto").build(),
                ServerReflectionRequest.newBuilder().setFileByFilename("greeter.proto").build(),
                symbol("interop.HelloRequest"),
                symbol("grpc.health.v1.Health"),
                symbol("ticks.Nothing"),
                ServerReflectionRequest.newBuilder().setFileByFilename("nothing.proto").build());

        for (int i = 0; i < 3; i++) {
            assertThat(build(answers.get(i)).getName()).isEqualTo("ticks/ticks.proto");
        }
        assertThat(build(answers.get(3)).findMessageTypeByName("HelloRequest")).isNotNull();
        // A contract on a hand-written file's generated messages is described by that file.
        FileDescriptor greeter = build(answers.get(4));
        assertThat(greeter.toProto()).isEqualTo(HelloRequest.getDescriptor().getFile().toProto());
        assertThat(greeter.findServiceByName("Greeter").findMethodByName("Chat").isClientStreaming()).isTrue();
        FileDescriptor health = build(answers.get(5));
        assertThat(health.toProto()).isEqualTo(HealthProto.getDescriptor().toProto().toBuilder().clearOptions().build());
        for (ServerReflectionResponse missing : answers.subList(6, 8)) {
            assertThat(missing.getErrorResponse().getErrorCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND.value());
        }
        assertThat(answers.get(6).getErrorResponse().getErrorMessage()).startsWith("unknown symbol ticks.Nothing (expected:");
    }

    @Test
    void aClientThatAsksWithoutReadingTheAnswersIsReadNoFurtherUntilItReads() throws Exception {
        // A small window that stays small (no tuning), so the unread answers fill it soon.
        ManagedChannel small = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext()
                .flowControlWindow(64 * 1024).build();
        try {
            int asks = 10_000; // answers of about 1 KB each: 10 MB held if the server read every ask
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            AtomicLong lastSent = new AtomicLong(System.nanoTime());
            CompletableFuture<io.grpc.Status> closed = new CompletableFuture<>();
            ClientCall<ServerReflectionRequest, ServerReflectionResponse> call = small.newCall(
                    ServerReflectionGrpc.getServerReflectionInfoMethod(), CallOptions.DEFAULT.withDeadlineAfter(25,
                            TimeUnit.SECONDS));
            // About 2.5 KB an ask (the host is not looked at), so the server's 1 MiB window for them fills
            // after some 400: the client is then held back by HTTP/2's flow control.
            ServerReflectionRequest ask = symbol("ticks.Tick").toBuilder().setHost("h".repeat(2_500)).build();
            Object sending = new Object();
            Runnable sendWhileReady = () -> {
                synchronized (sending) {
                    while (call.isReady() && sent.get() < asks) {
                        call.sendMessage(ask);
                        sent.incrementAndGet();
                        lastSent.set(System.nanoTime());
                    }
                    if (sent.get() == asks) {
                        call.halfClose();
                        sent.incrementAndGet(); // past asks: half-closed once
                    }
                }
            };
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(ServerReflectionResponse message) {
                    answered.incrementAndGet();
                }

                @Override
                public void onReady() {
                    sendWhileReady.run();
                }

                @Override
                public void onClose(io.grpc.Status status, io.grpc.Metadata trailers) {
                    closed.complete(status);
                }
            }, new io.grpc.Metadata());
            sendWhileReady.run(); // and no call.request(n): no answer is read

            // Held back: nothing more could be sent for a while, far short of every ask.
            Await.until(Duration.ofSeconds(15), () -> "the client held back, sent " + sent, () -> sent.get() > 0
                    && System.nanoTime() - lastSent.get() > TimeUnit.MILLISECONDS.toNanos(500));
            assertThat(sent.get()).as("asks the server read before its answers' window filled").isLessThan(asks / 4);
            assertThat(answered).hasValue(0);

            call.request(Integer.MAX_VALUE); // reading now: the server reads again, and every ask is answered
            assertThat(closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(io.grpc.Status.Code.OK);
            assertThat(answered).hasValue(asks);
        } finally {
            small.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientWithOnlyTheReflectedDescriptorsCallsTheServer() throws Exception {
        FileDescriptor file = build(ask(symbol("ticks.Ticks.Count")).get(0));
        MethodDescriptor count = file.findServiceByName("Ticks").findMethodByName("Count");
        Descriptor tick = count.getInputType();
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> call = io.grpc.MethodDescriptor
                .<DynamicMessage, DynamicMessage>newBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName("ticks.Ticks", "Count"))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(tick)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(count.getOutputType())))
                .build();
        DynamicMessage upTo = DynamicMessage.newBuilder(tick)
                .setField(tick.findFieldByName("n"), 3L).setField(tick.findFieldByName("label"), "dyn").build();

        List<String> got = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, call, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), upTo)
                .forEachRemaining(m -> got.add(m.getField(tick.findFieldByName("n")) + " " + m.getField(tick.findFieldByName("label"))));
        assertThat(got).containsExactly("1 dyn", "2 dyn", "3 dyn");
    }

    @Test
    void theV1alphaServiceAnswersTheSame() throws Exception {
        LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> out = io.grpc.reflection.v1alpha.ServerReflectionGrpc
                .newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                        got.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        got.add(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        out.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        out.onCompleted();

        Object answer = got.poll(10, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(io.grpc.reflection.v1alpha.ServerReflectionResponse.class);
        assertThat(((io.grpc.reflection.v1alpha.ServerReflectionResponse) answer).getListServicesResponse().getServiceList())
                .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName).contains("ticks.Ticks");
    }
}
