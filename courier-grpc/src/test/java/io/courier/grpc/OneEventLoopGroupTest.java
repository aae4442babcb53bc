package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.NonBlocking;
import io.courier.annotation.Service;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One Vert.x per {@code Courier}: REST and gRPC, served on one port, run on one event-loop
 * group of the configured size, and the instance's clients use the same group.
 */
class OneEventLoopGroupTest {
    @Service("where")
    public interface Where {
        String thread();
    }

    /** Answers on the transport's own thread, so the test sees which event loop served it. */
    @NonBlocking
    static final class OnTheLoop implements Where {
        final Set<Thread> seen = ConcurrentHashMap.newKeySet();

        @Override
        public String thread() {
            seen.add(Thread.currentThread());
            return Thread.currentThread().getName();
        }
    }

    private Courier courier;

    @AfterEach
    void close() {
        if (courier != null) {
            courier.close();
        }
    }

    private static Set<Thread> eventLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vert.x-eventloop-thread-")).collect(Collectors.toSet());
    }

    private URI uri(String scheme) {
        return courier.uris().stream().filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
    }

    @Test
    void restAndGrpcAreServedAndCalledFromOneEventLoopOfTheInstance() {
        Set<Thread> before = eventLoopThreads();
        courier = Courier.builder().name("one-loop").eventLoops(1).build();
        OnTheLoop impl = new OnTheLoop();
        courier.serve(Where.class, impl);
        Where overRest = courier.client(Where.class).target(uri("http")).build();
        Where overH2c = courier.client(Where.class).target(uri("http").toString().replace("http:", "h2c:")).build();
        Where overGrpc = courier.client(Where.class).target(uri("grpc")).build();

        for (int i = 0; i < 5; i++) {
            overRest.thread();
            overH2c.thread();
            overGrpc.thread();
        }

        assertThat(uri("grpc").getPort()).as("gRPC answers on the REST port").isEqualTo(uri("http").getPort());
        assertThat(impl.seen).as("every protocol served on the one event loop").hasSize(1);
        Set<Thread> started = eventLoopThreads();
        started.removeAll(before);
        assertThat(started).as("one event-loop thread for servers and clients of both transports")
                .hasSize(1).containsAll(impl.seen);
    }
}
