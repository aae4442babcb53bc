package io.courier.bench.load;

import io.courier.bench.proto.EchoMessage;
import io.courier.bench.proto.UnaryGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one gRPC load generator for every gRPC server: stock grpc-java, {@code directExecutor()},
 * calls spread over a few HTTP/2 connections, answers handled on the transport's own threads.
 */
final class GrpcLoad implements AutoCloseable {
    /** The request every call sends: {@link Payload#sample()} as {@code bench.EchoMessage}. */
    static final EchoMessage REQUEST = EchoMessage.newBuilder().setId(Payload.sample().id())
            .setSequence(Payload.sample().sequence()).setText(Payload.sample().text()).build();

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    GrpcLoad(int port, int connections) {
        for (int i = 0; i < connections; i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build());
        }
    }

    /** A sender of {@code rpc} ({@code Echo} or {@code EchoAsync}), one connection after another. */
    AsyncLoad.Sender sender(String rpc) {
        MethodDescriptor<EchoMessage, EchoMessage> method = switch (rpc) {
            case "Echo" -> UnaryGrpc.getEchoMethod();
            case "EchoAsync" -> UnaryGrpc.getEchoAsyncMethod();
            default -> throw new IllegalArgumentException("rpc: " + rpc + " (expected: Echo or EchoAsync)");
        };
        return () -> {
            ManagedChannel channel = channels.get(Math.floorMod(next.getAndIncrement(), channels.size()));
            CompletableFuture<EchoMessage> answer = new CompletableFuture<>();
            ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), REQUEST, new StreamObserver<>() {
                @Override
                public void onNext(EchoMessage value) {
                    if (value.getSequence() == REQUEST.getSequence()) {
                        answer.complete(value);
                    } else {
                        answer.completeExceptionally(new IllegalStateException("wrong answer: " + value));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    answer.complete(null);
                }
            });
            return answer;
        };
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
