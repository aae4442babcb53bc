package io.courier.discovery.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.courier.Ticker;
import io.courier.UnavailableException;
import io.courier.discovery.Endpoint;
import io.courier.discovery.ServiceInstance;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Power of two choices on a fake clock: a once-slow endpoint gets traffic back, a new one starts
 * at the mean, a past latency fades on time, a dead one is only probed.
 */
class PowerOfTwoChoicesTest {
    private static final long MS = 1_000_000;

    /** Time that moves only when the test says. */
    private static final class FakeTicker implements Ticker {
        long now = 1_000 * MS;

        @Override
        public long nanoTime() {
            return now;
        }

        void advance(long nanos) {
            now += nanos;
        }
    }

    private final FakeTicker clock = new FakeTicker();
    private final PowerOfTwoChoices p2c = PowerOfTwoChoices.builder().ticker(clock).build();
    private final Random random = new Random(42);
    private final Endpoint a = endpoint("a");
    private final Endpoint b = endpoint("b");
    private final Endpoint c = endpoint("c");
    private final List<Endpoint> all = List.of(a, b, c);

    private static Endpoint endpoint(String name) {
        URI uri = URI.create("http://" + name + ":80");
        return new Endpoint(uri, ServiceInstance.of("svc", name, List.of(uri)));
    }

    /** About 1 ms, as a healthy endpoint answers. */
    private long healthy() {
        return 800_000 + random.nextInt(400_000);
    }

    /** One call at {@code e} that takes {@code latency} of fake time. */
    private void call(Endpoint e, long latency) {
        p2c.onStart(e);
        clock.advance(latency);
        p2c.onEnd(e, latency, null);
    }

    /** Calls one after another for {@code duration} of fake time; picks per endpoint host. */
    private Map<String, Integer> drive(List<Endpoint> endpoints, Duration duration, ToLongFunction<Endpoint> latency) {
        return drive(endpoints, duration, latency, 1);
    }

    /** A call in flight in the fake time of {@link #drive}. */
    private record InFlight(long endNanos, Endpoint endpoint, long latency) {
    }

    /**
     * Keeps {@code callers} calls in flight for {@code duration} of fake time, each taking the
     * latency given for its endpoint, as callers on that many threads would; picks per host.
     */
    private Map<String, Integer> drive(List<Endpoint> endpoints, Duration duration, ToLongFunction<Endpoint> latency,
                                       int callers) {
        Map<String, Integer> picks = new HashMap<>();
        PriorityQueue<InFlight> inFlight = new PriorityQueue<>(Comparator.comparingLong(InFlight::endNanos));
        long end = clock.now + duration.toNanos();
        while (clock.now < end || !inFlight.isEmpty()) {
            if (clock.now < end && inFlight.size() < callers) {
                Endpoint e = p2c.pick(endpoints, null);
                picks.merge(e.uri().getHost(), 1, Integer::sum);
                p2c.onStart(e);
                long l = latency.applyAsLong(e);
                inFlight.add(new InFlight(clock.now + l, e, l));
                continue;
            }
            InFlight next = inFlight.poll();
            clock.advance(Math.max(0, next.endNanos() - clock.now));
            p2c.onEnd(next.endpoint(), next.latency(), null);
        }
        return picks;
    }

    /** Four callers' calls at every endpoint, each answering in about 1 ms. */
    private Map<String, Integer> driveHealthy(Duration duration) {
        return drive(all, duration, e -> healthy(), 4);
    }

    private static double share(Map<String, Integer> picks, String host) {
        int total = picks.values().stream().mapToInt(Integer::intValue).sum();
        return picks.getOrDefault(host, 0) / (double) total;
    }

    @Test
    void aOnceSlowEndpointGetsItsShareBackWithinTwoSecondsOfFakeTime() {
        driveHealthy(Duration.ofSeconds(1));
        call(c, 500 * MS); // one slow answer from a warm endpoint: a GC pause, a pathological request

        Map<String, Integer> first = driveHealthy(Duration.ofMillis(400));
        Map<String, Integer> next = driveHealthy(Duration.ofMillis(1600));
        Map<String, Integer> after = driveHealthy(Duration.ofSeconds(3));

        assertThat(share(first, "c")).as("avoided at first: %s", first).isLessThan(0.02);
        assertThat(share(next, "c")).as("probed 1 s after its slow call, and back: %s", next).isGreaterThan(0.2);
        assertThat(share(after, "c")).as("a fair share: %s", after).isBetween(0.25, 0.42);
    }

    @Test
    void aNewEndpointStartsAtTheMeanAndIsNotJudgedByItsColdFirstAnswers() {
        drive(List.of(a, b), Duration.ofSeconds(1), e -> healthy());
        double mean = (p2c.cost(a, clock.now) + p2c.cost(b, clock.now)) / 2;
        assertThat(p2c.cost(c, clock.now)).as("never called").isCloseTo(mean, within(0.3 * MS));

        // Two cold calls in flight at once (connecting, warming up), both slow.
        p2c.onStart(c);
        p2c.onStart(c);
        clock.advance(500 * MS);
        p2c.onEnd(c, 500 * MS, null);
        p2c.onEnd(c, 500 * MS, null);

        assertThat(p2c.cost(c, clock.now)).as("still at the mean").isCloseTo(mean, within(0.3 * MS));
        Map<String, Integer> picks = driveHealthy(Duration.ofSeconds(2));
        assertThat(share(picks, "c")).as("%s", picks).isBetween(0.25, 0.42);
    }

    @Test
    void aSlowAnswerAfterTheFirstOneStillCounts() {
        drive(List.of(a, b), Duration.ofSeconds(1), e -> healthy());
        call(c, healthy());

        call(c, 500 * MS);

        assertThat(p2c.cost(c, clock.now)).as("a quarter of the way up").isGreaterThan(100 * MS);
        assertThat(driveHealthy(Duration.ofMillis(500))).doesNotContainKey("c");
    }

    @Test
    void aRecoveredEndpointWhoseStatisticsWereDroppedStartsAtTheMean() {
        driveHealthy(Duration.ofSeconds(1));
        call(c, 500 * MS);
        assertThat(p2c.cost(c, clock.now)).as("a quarter of the way up").isGreaterThan(100 * MS);

        p2c.onEndpoints(List.of(a, b));
        p2c.onEndpoints(all);

        double mean = (p2c.cost(a, clock.now) + p2c.cost(b, clock.now)) / 2;
        assertThat(p2c.cost(c, clock.now)).isCloseTo(mean, within(0.3 * MS));
    }

    @Test
    void withoutAnswersAPastLatencyFadesOnTimeTowardsTheMeanOfTheOthers() {
        driveHealthy(Duration.ofSeconds(1));
        call(c, 500 * MS);
        double start = p2c.cost(c, clock.now);
        double mean = (p2c.cost(a, clock.now) + p2c.cost(b, clock.now)) / 2;

        clock.advance(Duration.ofSeconds(10).toNanos()); // one time constant, no calls at all

        double expected = mean + (start - mean) * Math.exp(-1);
        assertThat(p2c.cost(c, clock.now)).isCloseTo(expected, within(1.0 * MS));
        clock.advance(Duration.ofSeconds(60).toNanos());
        assertThat(p2c.cost(c, clock.now)).isCloseTo(mean, within(1.5 * MS));
    }

    @Test
    void aDeadEndpointGetsOneProbeASecondAndNoMore() {
        driveHealthy(Duration.ofSeconds(1));
        int atDead = 0;
        long end = clock.now + Duration.ofSeconds(10).toNanos();
        while (clock.now < end) {
            Endpoint e = p2c.pick(all, null);
            p2c.onStart(e);
            if (e == c) {
                atDead++;
                clock.advance(100_000); // refused at once
                p2c.onEnd(e, 100_000, new UnavailableException("connection refused"));
            } else {
                long latency = healthy();
                clock.advance(latency);
                p2c.onEnd(e, latency, null);
            }
        }
        assertThat(atDead).isBetween(8, 12);
    }

    @Test
    void callsInFlightCountAsLoad() {
        driveHealthy(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            p2c.onStart(a); // three calls at a that have not answered
        }
        Map<String, Integer> picks = drive(List.of(a, b), Duration.ofMillis(200), e -> healthy());
        assertThat(picks).containsOnlyKeys("b");
    }
}
