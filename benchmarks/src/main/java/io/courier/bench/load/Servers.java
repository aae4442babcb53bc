package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.courier.Courier;
import io.courier.bench.proto.EchoMessage;
import io.courier.bench.proto.UnaryGrpc;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The servers under test, one per process: {@code Servers <kind>} starts one on a free loopback
 * port, prints {@code READY <port>}, answers a line {@code STATS} with {@code STATS <process CPU ns>
 * <bytes allocated>}, and exits when its standard input closes.
 */
public final class Servers {
    private Servers() {
    }

    /**
     * Entry point: {@code courier-rest}, {@code courier-rest-observed}, {@code vertx-rest},
     * {@code tcp-echo}, {@code courier-grpc}, {@code courier-grpc-observed}, {@code vertx-grpc},
     * {@code vertx-h2c}, {@code grpc-java-direct}, {@code grpc-java-default} or
     * {@code grpc-java-virtual}.
     */
    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "";
        AutoCloseable server;
        int port;
        switch (kind) {
            case "courier-rest" -> {
                // Only REST: with courier-grpc on the class path a Courier would serve gRPC as well.
                Courier courier = Courier.builder().name("bench-echo").transport(new HttpTransportFactory()).build();
                courier.serve(Echo.class, payload -> payload);
                port = courier.address().getPort();
                server = courier;
            }
            case "courier-rest-nonblocking" -> {
                // The same, declared @NonBlocking: answered on the event loop, as plain Vert.x does.
                Courier courier = Courier.builder().name("bench-echo").transport(new HttpTransportFactory()).build();
                courier.serve(Echo.class, new NonBlockingEcho());
                port = courier.address().getPort();
                server = courier;
            }
            case "courier-rest-observed", "courier-grpc-observed" -> {
                // The two above with metrics and tracing on (ObservabilityLoad).
                Courier courier = ObservedServers.start(kind);
                port = courier.address().getPort();
                server = courier;
            }
            case "vertx-rest" -> {
                Vertx vertx = Vertx.vertx();
                ObjectMapper json = new ObjectMapper();
                HttpServer http = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                    try {
                        Payload in = json.readValue(body.getBytes(), Payload.class);
                        request.response().putHeader("Content-Type", "application/json")
                                .end(Buffer.buffer(json.writeValueAsBytes(in)));
                    } catch (Exception e) {
                        request.response().setStatusCode(400).end();
                    }
                }));
                port = http.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            case "tcp-echo" -> {
                Vertx vertx = Vertx.vertx();
                NetServer net = vertx.createNetServer().connectHandler(socket -> socket.handler(socket::write));
                port = net.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            case "courier-grpc", "courier-grpc-rest-port" -> {
                // courier-grpc: gRPC served alone, on a port of its own; courier-grpc-rest-port: beside REST, on
                // the REST port. Both under the same ServerLimits (the write timeout included).
                Courier.Builder builder = Courier.builder().name("bench-unary");
                if (kind.equals("courier-grpc-rest-port")) {
                    builder.transport(new HttpTransportFactory());
                }
                Courier courier = builder.transport(GrpcTransportFactory.builder().build()).build();
                courier.serve(Unary.class, new Unary() {
                    @Override
                    public Payload echo(Payload payload) {
                        return payload;
                    }

                    @Override
                    public CompletableFuture<Payload> echoAsync(Payload payload) {
                        return CompletableFuture.completedFuture(payload);
                    }
                });
                port = courier.address().getPort();
                server = courier;
            }
            case "vertx-grpc" -> {
                // The engine under Courier's gRPC, bare: Vert.x gRPC with a hand-written handler that
                // decodes and encodes the protoc message on the event loop. Courier / this is Courier's own path.
                Vertx vertx = Vertx.vertx();
                GrpcServer grpc = GrpcServer.server(vertx).callHandler(request -> request.handler(message -> {
                    try {
                        EchoMessage in = EchoMessage.parseFrom(message.getBytes());
                        request.response().end(Buffer.buffer(in.toByteArray()));
                    } catch (InvalidProtocolBufferException e) {
                        request.response().status(GrpcStatus.INVALID_ARGUMENT).end();
                    }
                }));
                port = vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1")
                        .toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            case "vertx-h2c" -> {
                // Plain Vert.x HTTP/2 (h2c): sends the framed request back with grpc-status 0, a valid
                // gRPC answer with no gRPC layer and no protobuf. The HTTP/2 floor of this engine.
                Vertx vertx = Vertx.vertx();
                HttpServer http = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
                        request.response().putHeader("content-type", "application/grpc")
                                .putTrailer("grpc-status", "0").end(body)));
                port = http.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
                server = () -> vertx.close().toCompletionStage().toCompletableFuture().join();
            }
            case "grpc-java-direct", "grpc-java-default", "grpc-java-virtual" -> {
                NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(new GrpcJavaUnary());
                if (kind.equals("grpc-java-direct")) {
                    // The best known configuration: handlers on the transport's threads, no hand-off.
                    builder.directExecutor();
                } else if (kind.equals("grpc-java-virtual")) {
                    // Handlers on virtual threads, as Courier runs a blocking-style method.
                    builder.executor(Executors.newVirtualThreadPerTaskExecutor());
                }
                Server grpc = builder.build().start();
                port = grpc.getPort();
                server = () -> grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            default -> {
                System.err.println("unknown server: " + kind + " (expected: courier-rest, courier-rest-nonblocking, "
                        + "courier-rest-observed, vertx-rest, tcp-echo, courier-grpc, courier-grpc-rest-port, courier-grpc-observed, vertx-grpc, "
                        + "vertx-h2c, grpc-java-direct, grpc-java-default, grpc-java-virtual)");
                System.exit(2);
                return;
            }
        }
        System.out.println("READY " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("STATS")) {
                // What this JVM spent so far, for CPU time and allocation per call (ServerCpuMain).
                System.out.println("STATS " + ProcessStats.cpuNanos() + " " + ProcessStats.allocatedBytes());
                System.out.flush();
            }
            // else: wait for the harness to close our input
        }
        server.close();
        System.exit(0);
    }

    /** The unary echo as a grpc-java user writes it, on the protoc-generated base class. */
    private static final class GrpcJavaUnary extends UnaryGrpc.UnaryImplBase {
        @Override
        public void echo(EchoMessage request, StreamObserver<EchoMessage> responses) {
            responses.onNext(request);
            responses.onCompleted();
        }

        @Override
        public void echoAsync(EchoMessage request, StreamObserver<EchoMessage> responses) {
            responses.onNext(request);
            responses.onCompleted();
        }
    }
}
