package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.interop.RawUnary;
import io.courier.http.testing.RawHttp2;
import io.courier.test.Await;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC served alone makes only what serving needs: its port is courier-http's server without
 * the REST transport's client side (two pooled Vert.x HTTP clients, each with a pool-cleaning
 * timer on an event loop of its own) or codec executor. With more event loops than anything
 * uses, the event-loop threads a gRPC-only {@code Courier} starts are the ones it needs, and
 * none is left once it is closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnPortThreadsTest {
    private static final String EVENT_LOOP = "vert.x-eventloop-thread-";

    private static Courier serve() {
        return Courier.builder().name("work").eventLoops(16)
                .transport(GrpcTransportFactory.builder().build())
                .build().serve(Work.class, job -> new Work.Done(job.name()));
    }

    /**
     * Platform threads alive now that were not in {@code before}, but for the test's grpc-java
     * client's and the JVM's scheduler of virtual threads (its carriers come and go by themselves).
     */
    private static List<Thread> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && !t.getName().startsWith("grpc-")
                        && !t.getName().equals("VirtualThread-unblocker")
                        && !(t.getThreadGroup() != null && "CarrierThreads".equals(t.getThreadGroup().getName())))
                .toList();
    }

    @Test
    void aGrpcOnlyCourierStartsTheEventLoopsOfItsServerAndGrpcClientOnlyAndLeavesNoThread() throws Exception {
        // A first Courier made and closed: what the JVM starts once (Netty's and the JDK's cleaners) is then running.
        serve().close();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

        Courier courier = serve();
        InetSocketAddress address = RawHttp2.address(courier);
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
                .usePlaintext().build();
        try {
            assertThat(RawUnary.of(Work.class, "work").call(channel, Duration.ofSeconds(10), Work.protobufJob("a")))
                    .isEqualTo(Work.protobufJob("a"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        List<String> loops = startedSince(before).stream().map(Thread::getName)
                .filter(n -> n.startsWith(EVENT_LOOP)).sorted().toList();
        // One for the server (its listening context and connections), one for the gRPC client's pool timer.
        assertThat(loops).as("event-loop threads of a gRPC-only Courier that served a call").hasSize(2);

        courier.close();
        Await.until(Duration.ofSeconds(10), "every thread the Courier started ended",
                () -> startedSince(before).isEmpty(), () -> startedSince(before).toString());
    }
}
