package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.ClientBuilder;
import io.courier.Courier;
import io.courier.Status;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import io.courier.resilience.RetryBudget;
import io.courier.test.Await;
import io.courier.test.Fault;
import io.courier.test.FaultInjection;
import io.courier.test.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three instances serving an idempotent method over HTTP on 127.0.0.1, found through static
 * discovery, called under load by a client with {@code Resilience.applyTo}. Mid-load one
 * instance turns slow, or failing, or is closed. The client must keep succeeding (at least
 * 99.9% of calls), eject the bad instance and re-admit it once it recovers (a closed one is
 * dropped and its replacement takes traffic), spend no more retries than its budget allows, and
 * end every call by its deadline. The balancer is a round robin, so that ejection is the
 * breakers' doing and not a latency-aware balancer's.
 */
class OneBadInstanceUnderLoadTest {
    private static final Logger log = LoggerFactory.getLogger(OneBadInstanceUnderLoadTest.class);
    /** Generous for a 2-core machine that is also running the servers: what is tested is that no call passes it. */
    private static final Duration DEADLINE = Duration.ofMillis(2000);
    /** How late a call may end after its deadline: a timer firing and a thread waking on a busy machine. */
    private static final Duration TOLERANCE = Duration.ofMillis(400);
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final int THREADS = 4;
    /** Calls made at least; more if the phases take longer. */
    private static final int CALLS = 2000;
    private static final int CAP = 8000;
    private static final double RATIO = 0.2;
    private static final int FLOOR_PER_SECOND = 5;
    /** Longer than a test runs, so that the budget's window holds every request and retry. */
    private static final Duration BUDGET_WINDOW = Duration.ofSeconds(60);

    private final StaticDiscovery discovery = StaticDiscovery.create();
    private final List<Instance> instances = new ArrayList<>();
    private final ConcurrentLinkedQueue<CircuitBreaker.Transition> transitions = new ConcurrentLinkedQueue<>();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicInteger attemptsAtOpenEndpoints = new AtomicInteger();
    private Courier client;
    private CircuitBreakers breakers;
    private RetryBudget budget;
    private Echo echo;

    /** One serving instance with switches that make it slow or failing. */
    private final class Instance implements Echo {
        final AtomicBoolean slow = new AtomicBoolean();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger served = new AtomicInteger();
        final Courier courier;

        Instance(String name) {
            FaultInjection faults = FaultInjection.builder()
                    .fault(Fault.latency(Duration.ofMillis(300)).onlyWhile(slow::get))
                    .fault(Fault.error(Status.INTERNAL).onlyWhile(failing::get))
                    .build();
            courier = Courier.builder().name(name).discovery(discovery).serverInterceptor(faults)
                    .drainTimeout(Duration.ofSeconds(2)).build();
            courier.serve(Echo.class, this);
        }

        URI http() {
            return courier.uris().stream().filter(u -> u.getScheme().equals("http")).findFirst().orElseThrow();
        }

        @Override
        public long echo(long n) {
            served.incrementAndGet();
            return n;
        }
    }

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            instances.add(new Instance("echo-" + i));
        }
        client = Courier.builder().name("caller").discovery(discovery).build();
        budget = RetryBudget.builder().ratio(RATIO).minRetriesPerSecond(FLOOR_PER_SECOND).window(BUDGET_WINDOW).build();
        breakers = CircuitBreakers.of(CircuitBreaker.builder("endpoint")
                .countWindow(20).minimumCalls(10).failureRateThreshold(50)
                .slowCallDuration(Duration.ofMillis(150)).slowCallRateThreshold(50)
                .waitInOpen(Duration.ofMillis(400)).maxWaitInOpen(Duration.ofMillis(1600)).trialCalls(3)
                .listener(transitions::add));
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20))
                        .budget(budget).build())
                .endpointBreakers(breakers)
                .build();
        ClientBuilder<Echo> builder = client.client(Echo.class).target("discovery:echo?scheme=http").deadline(DEADLINE)
                .interceptor((call, next) -> next.proceed(call)); // nothing: the count of attempts is below
        resilience.applyTo(builder, LoadBalancers.roundRobin());
        // After Resilience's client steps and before the pick: every attempt of every call, retries included.
        builder.interceptor((call, next) -> {
            attempts.incrementAndGet();
            return next.proceed(call);
        });
        // After the endpoint's breaker let the attempt through: what was really sent where.
        builder.endpointInterceptor((call, next) -> {
            if (breakers.state(call.target()) == CircuitBreaker.State.OPEN) {
                attemptsAtOpenEndpoints.incrementAndGet();
            }
            return next.proceed(call);
        });
        echo = builder.build();
    }

    @AfterEach
    void stop() {
        client.close();
        instances.forEach(i -> i.courier.close());
    }

    @Test
    void aFailingInstanceIsEjectedAndReadmittedOnceItRecovers() throws InterruptedException {
        Instance bad = instances.get(1);
        List<Load.Outcome> outcomes;
        try (Load load = new Load(echo, THREADS, CAP)) {
            load.awaitMore(500, PATIENCE);
            bad.failing.set(true);
            awaitState(bad, CircuitBreaker.State.OPEN);
            load.awaitMore(500, PATIENCE); // while it fails, its trials fail and it is ejected again
            bad.failing.set(false);
            awaitReadmitted(bad, load);
            load.awaitTotal(CALLS, PATIENCE);
            outcomes = load.finish();
        }
        assertResilient(outcomes, bad);
    }

    @Test
    void aSlowInstanceIsEjectedAndReadmittedOnceItRecovers() throws InterruptedException {
        Instance bad = instances.get(2);
        List<Load.Outcome> outcomes;
        try (Load load = new Load(echo, THREADS, CAP)) {
            load.awaitMore(500, PATIENCE);
            bad.slow.set(true);
            awaitState(bad, CircuitBreaker.State.OPEN);
            load.awaitMore(500, PATIENCE);
            bad.slow.set(false);
            awaitReadmitted(bad, load);
            load.awaitTotal(CALLS, PATIENCE);
            outcomes = load.finish();
        }
        assertResilient(outcomes, bad);
    }

    @Test
    void anInstanceClosedMidLoadLeavesWithItsBreakerAndAReplacementTakesTraffic() throws InterruptedException {
        Instance closing = instances.get(0);
        URI gone = closing.http();
        List<Load.Outcome> outcomes;
        try (LogCapture log = LogCapture.start(); Load load = new Load(echo, THREADS, CAP)) {
            load.awaitMore(500, PATIENCE);
            closing.courier.close(); // drains, refuses new calls, deregisters, closes its server
            Await.until(PATIENCE, "the closed instance's breaker dropped", () -> !breakers.breakers().containsKey(gone),
                    () -> breakers.breakers().keySet().toString());
            int servedAtClose = closing.served.get();
            load.awaitMore(500, PATIENCE);
            assertThat(closing.served).hasValue(servedAtClose);

            Instance replacement = new Instance("echo-3");
            instances.add(replacement);
            Await.until(PATIENCE, "the replacement taking calls", () -> replacement.served.get() >= 100,
                    () -> replacement.served + " served");
            load.awaitTotal(CALLS, PATIENCE);
            outcomes = load.finish();
            // Losing the instance is expected: at most one WARN for its endpoint, not one per call.
            assertThat(log.lines("WARN")).as("%s", log).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(line -> assertThat(line).contains(gone + ": connection lost"));
            assertThat(log.lines("ERROR")).as("%s", log).isEmpty();
        }
        assertThat(breakers.breakers().keySet()).doesNotContain(gone).hasSize(3);
        assertResilient(outcomes, null);
    }

    private void awaitState(Instance instance, CircuitBreaker.State state) {
        Await.until(PATIENCE, instance.courier.name() + " " + state, () -> breakers.state(instance.http()) == state,
                () -> "transitions: " + transitions);
    }

    /** The breaker closes again after recovery, and the instance then serves its share. */
    private void awaitReadmitted(Instance instance, Load load) {
        String name = instance.http().toString();
        int closedBefore = closings(name);
        Await.until(PATIENCE, instance.courier.name() + " re-admitted", () -> closings(name) > closedBefore,
                () -> "transitions: " + transitions);
        int servedAtClose = instance.served.get();
        Await.until(PATIENCE, instance.courier.name() + " serving again", () -> instance.served.get() >= servedAtClose + 100,
                () -> instance.served + " served");
        assertThat(load.done()).isLessThan(CAP);
    }

    private int closings(String breaker) {
        return (int) transitions.stream()
                .filter(t -> t.breaker().equals(breaker) && t.to() == CircuitBreaker.State.CLOSED).count();
    }

    private void assertResilient(List<Load.Outcome> outcomes, Instance bad) {
        long failed = outcomes.stream().filter(o -> !o.ok()).count();
        assertThat(outcomes.size()).isGreaterThanOrEqualTo(CALLS);
        assertThat((double) (outcomes.size() - failed) / outcomes.size())
                .as("success rate; failures: %s", outcomes.stream().filter(o -> !o.ok()).limit(5).toList())
                .isGreaterThanOrEqualTo(0.999);

        long longest = outcomes.stream().mapToLong(Load.Outcome::nanos).max().orElseThrow();
        assertThat(Duration.ofNanos(longest)).as("the longest call").isLessThanOrEqualTo(DEADLINE.plus(TOLERANCE));

        long retries = attempts.get() - outcomes.size();
        log.info("{} calls, {} failed, {} retries, longest {} ms, {} attempts sent to open endpoints; transitions {}",
                outcomes.size(), failed, retries, Duration.ofNanos(longest).toMillis(), attemptsAtOpenEndpoints,
                transitions.stream().map(t -> t.breaker() + ":" + t.to()).toList());
        assertThat(retries).as("retries, as the client's attempts beyond one per call")
                .isEqualTo(budget.retries())
                .isLessThanOrEqualTo((long) (RATIO * outcomes.size() + FLOOR_PER_SECOND * BUDGET_WINDOW.toSeconds()));

        if (bad != null) {
            long opened = transitions.stream().filter(t -> t.breaker().equals(bad.http().toString())
                    && t.to() == CircuitBreaker.State.OPEN).count();
            assertThat(opened).isGreaterThanOrEqualTo(1);
            // While open, nothing is sent there but the attempts already past the breaker when it opened.
            assertThat(attemptsAtOpenEndpoints.get()).isLessThanOrEqualTo((int) (THREADS * opened));
            assertThat(breakers.state(bad.http())).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }
}
