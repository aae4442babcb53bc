package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Service;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gRPC client's calls, from whatever threads they are made, are sent and answered on one
 * event loop, the one of its connection: no call's stream lives on another loop, where each of
 * its events would cross threads.
 */
class ClientLoopTest {
    @Service("gate")
    public interface Gate {
        CompletableFuture<String> pass(String id);
    }

    private Courier courier;

    @AfterEach
    void close() {
        if (courier != null) {
            courier.close();
        }
    }

    @Test
    void callsFromManyThreadsAreAnsweredOnTheConnectionsOneEventLoop() throws Exception {
        courier = Courier.builder().name("client-loop").eventLoops(4).build();
        CompletableFuture<Void> open = new CompletableFuture<>();
        courier.serve(Gate.class, id -> open.thenApply(v -> id));
        URI grpc = courier.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
        Gate gate = courier.client(Gate.class).target(grpc).build();

        int calls = 16;
        Set<String> answeredOn = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<String>> answers = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(calls);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String id = "call-" + i;
            CompletableFuture<String> answer = new CompletableFuture<>();
            answers.add(answer);
            callers.add(Thread.ofVirtual().start(() -> {
                // The server holds every answer until all callbacks are attached: each runs where the answer is read.
                gate.pass(id).whenComplete((value, failure) -> {
                    answeredOn.add(Thread.currentThread().getName());
                    if (failure == null) {
                        answer.complete(value);
                    } else {
                        answer.completeExceptionally(failure);
                    }
                });
                waiting.countDown();
            }));
        }
        assertThat(waiting.await(10, TimeUnit.SECONDS)).as("every call made").isTrue();
        open.complete(null);

        for (int i = 0; i < calls; i++) {
            assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("call-" + i);
        }
        for (Thread t : callers) {
            t.join();
        }
        assertThat(answeredOn).as("the threads the answers were read on").hasSize(1)
                .allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    }
}
