package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.ClientBuilder;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InvalidArgumentException;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import io.courier.test.Await;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad requests must not shut healthy endpoints off for everyone. Three instances on 127.0.0.1
 * serve a check over gRPC; a client with a breaker per endpoint sensitive enough that one
 * failure in its last ten calls opens it sends 2,000 good checks from four virtual threads,
 * and among them two pathological ones (the server works on them until their deadline is all
 * but spent, then answers {@code DEADLINE_EXCEEDED}) and 50 invalid ones (rejected with
 * {@code INVALID_ARGUMENT}). Every good check must succeed, every invalid one get its answer,
 * and every breaker stay closed: the invalid ones are answers, and a request that runs out of
 * its deadline is a slow call, which only a high slow-call rate holds against the endpoint.
 */
class PoisonRequestsTest {
    /** Generous for a loaded 2-core machine: good checks take a millisecond or two. */
    private static final Duration DEADLINE = Duration.ofMillis(2000);
    private static final long POISON = -1;
    private static final long INVALID = -2;
    private static final int THREADS = 4;
    private static final int GOOD_PER_THREAD = 500;

    private final StaticDiscovery discovery = StaticDiscovery.create();
    private final List<Courier> instances = new ArrayList<>();
    private final Queue<CircuitBreaker.Transition> transitions = new ConcurrentLinkedQueue<>();
    private final AtomicInteger poisonStarted = new AtomicInteger();
    private Courier client;
    private CircuitBreakers breakers;
    private OrderCheck orders;

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            Courier c = Courier.builder().name("orders-" + i).discovery(discovery).build();
            c.serve(OrderCheck.class, n -> {
                if (n == INVALID) {
                    throw new InvalidArgumentException("n: " + n + " (expected: >= 0)");
                }
                if (n == POISON) {
                    poisonStarted.incrementAndGet();
                    spinUntilTheDeadline();
                }
                return n;
            });
            instances.add(c);
        }
        client = Courier.builder().name("caller").discovery(discovery).build();
        // Sensitive on purpose: were a deadline a failure, one poison request would be 10% of
        // the minimum window and open its endpoint's breaker.
        breakers = CircuitBreakers.of(CircuitBreaker.builder("endpoint")
                .countWindow(20).minimumCalls(10).failureRateThreshold(10)
                .slowCallDuration(Duration.ofMillis(500)).slowCallRateThreshold(80)
                .waitInOpen(Duration.ofSeconds(5)).maxWaitInOpen(Duration.ofSeconds(60))
                .listener(transitions::add));
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).build())
                .endpointBreakers(breakers)
                .build();
        ClientBuilder<OrderCheck> builder = client.client(OrderCheck.class).target("discovery:orders?scheme=grpc")
                .deadline(DEADLINE);
        orders = resilience.applyTo(builder, LoadBalancers.roundRobin()).build();
        // Warm every instance and connection first, so that a cold start's cost (class loading,
        // JIT, connecting) cannot spend a good check's deadline.
        for (long n = 0; n < 30; n++) {
            orders.check(n);
        }
    }

    @AfterEach
    void stop() {
        client.close();
        instances.forEach(Courier::close);
    }

    @Test
    void twoPoisonRequestsAndFiftyInvalidOnesAmongTwoThousandGoodOnesLeaveEveryBreakerClosed() throws Exception {
        AtomicInteger goodDone = new AtomicInteger();
        Queue<String> goodFailures = new ConcurrentLinkedQueue<>();
        Queue<CourierException> badOutcomes = new ConcurrentLinkedQueue<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < GOOD_PER_THREAD; i++) {
                        long n = thread * GOOD_PER_THREAD + i;
                        try {
                            if (orders.check(n) != n) {
                                goodFailures.add(n + ": wrong answer");
                            }
                        } catch (CourierException e) {
                            goodFailures.add(n + ": " + e);
                        }
                        goodDone.incrementAndGet();
                    }
                }));
            }
            done.add(callers.submit(() -> {
                Await.until(Duration.ofSeconds(20), "200 good checks", () -> goodDone.get() >= 200);
                for (int i = 0; i < 52; i++) {
                    // The two poison requests one after the other, with the invalid ones around them.
                    long n = i == 25 || i == 26 ? POISON : INVALID;
                    try {
                        orders.check(n);
                    } catch (CourierException e) {
                        badOutcomes.add(e);
                    }
                }
            }));
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(goodFailures).as("good checks that failed").isEmpty();
        assertThat(goodDone).hasValue(THREADS * GOOD_PER_THREAD);
        assertThat(badOutcomes).hasSize(52);
        assertThat(badOutcomes).filteredOn(e -> e instanceof DeadlineExceededException).hasSize(2);
        assertThat(badOutcomes).filteredOn(e -> e instanceof InvalidArgumentException).hasSize(50);
        // Given up on by the server with time left, a poison request may be retried (it is an
        // idempotent GET); its retries find the deadline all but spent and fail at once.
        assertThat(poisonStarted).as("poison attempts").hasValueBetween(2, 6);
        for (Courier instance : instances) {
            URI endpoint = grpc(instance);
            assertThat(breakers.state(endpoint)).as(endpoint.toString()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
        assertThat(breakers.breakers()).hasSize(3);
        assertThat(transitions).as("no breaker changed state").isEmpty();
    }

    /**
     * What a pathological input does: keeps the server working until the call's deadline is
     * all but spent; then the server gives up and says so, as a server checking its deadline
     * would, with {@code DEADLINE_EXCEEDED}, which reaches the client's breaker as the outcome.
     */
    private static void spinUntilTheDeadline() {
        Deadline deadline = CallContext.current().deadline()
                .orElseThrow(() -> new AssertionError("the client's deadline did not reach the server"));
        while (deadline.remaining().compareTo(Duration.ofMillis(150)) > 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new DeadlineExceededException("check: ran out of time working on the input");
    }

    private static URI grpc(Courier c) {
        return c.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
    }
}
