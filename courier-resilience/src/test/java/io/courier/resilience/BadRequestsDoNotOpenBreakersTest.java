package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CancelledException;
import io.courier.ConflictException;
import io.courier.CourierException;
import io.courier.DeadlineExceededException;
import io.courier.FailedPreconditionException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.NotFoundException;
import io.courier.PermissionDeniedException;
import io.courier.Status;
import io.courier.UnauthenticatedException;
import io.courier.UnimplementedException;
import io.courier.resilience.CircuitBreaker.State;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A breaker tells "this endpoint is sick" from "this request is bad": the request's own faults
 * never count as failures, and a request that runs out of its deadline counts only towards the
 * slow-call rate.
 */
class BadRequestsDoNotOpenBreakersTest {
    private final FakeClock clock = FakeClock.startingAt(0);

    private CircuitBreaker breaker() {
        return CircuitBreaker.builder("consumer").ticker(clock).countWindow(20).minimumCalls(10)
                .failureRateThreshold(50).slowCallDuration(Duration.ofSeconds(2)).slowCallRateThreshold(80)
                .build();
    }

    private static void answer(CircuitBreaker b, CompletableFuture<Object> answer) {
        b.intercept(Calls.idempotent(), call -> answer);
    }

    /** A call that takes {@code took} of fake time and then fails with {@code error}. */
    private void slowFailure(CircuitBreaker b, Duration took, Throwable error) {
        CompletableFuture<Object> pending = new CompletableFuture<>();
        answer(b, pending);
        clock.advance(took);
        pending.completeExceptionally(error);
    }

    @Test
    void everyErrorThatBlamesTheRequestCountsAsASuccess() {
        List<CourierException> requestFaults = List.of(
                new InvalidArgumentException("id: -1 (expected: >= 0)"),
                new FailedPreconditionException("order already paid"),
                new NotFoundException("no order 7"),
                new ConflictException("order 7 exists"),
                CourierException.of(Status.ALREADY_EXISTS, "order 7 exists", Map.of(), false),
                CourierException.of(Status.OUT_OF_RANGE, "page 9 of 3", Map.of(), false),
                CourierException.of(Status.ABORTED, "lost a race", Map.of(), false),
                new PermissionDeniedException("not yours"),
                new UnauthenticatedException("who are you"),
                new UnimplementedException("no such method"));
        CircuitBreaker b = breaker();
        for (int round = 0; round < 3; round++) {
            for (CourierException e : requestFaults) {
                answer(b, failed(e));
            }
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().calls()).isEqualTo(20);
        assertThat(b.metrics().failedCalls()).isZero();
    }

    @Test
    void callsCancelledByTheCallerCountNeitherWayWhenQuick() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 30; i++) {
            answer(b, failed(new CancelledException("caller went away")));
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void twoRequestsThatSpinUntilTheirDeadlineCountAsSlowNotFailed() {
        CircuitBreaker b = breaker();
        slowFailure(b, Duration.ofSeconds(10), new DeadlineExceededException("deadline of 10s passed"));
        slowFailure(b, Duration.ofSeconds(10), new DeadlineExceededException("deadline of 10s passed"));
        for (int i = 0; i < 8; i++) {
            answer(b, ok("order"));
        }

        assertThat(b.metrics()).isEqualTo(new CircuitBreaker.Metrics(State.CLOSED, 10, 0, 2));
        assertThat(b.state()).as("2 of 10 slow, below 80%").isEqualTo(State.CLOSED);
    }

    @Test
    void aDeadlineThatPassesQuicklyStillCountsAsSlowNotFailed() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 9; i++) {
            answer(b, failed(new DeadlineExceededException("deadline of 50ms passed")));
        }
        assertThat(b.metrics()).isEqualTo(new CircuitBreaker.Metrics(State.CLOSED, 9, 0, 9));

        answer(b, failed(new DeadlineExceededException("deadline of 50ms passed")));

        assertThat(b.state()).as("every call out of time: the endpoint is sick").isEqualTo(State.OPEN);
    }

    @Test
    void anEndpointWhereMostCallsRunOutOfTimeOpensTheBreaker() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 8; i++) {
            slowFailure(b, Duration.ofSeconds(3), new DeadlineExceededException("deadline of 3s passed"));
        }
        answer(b, ok("order"));
        assertThat(b.state()).isEqualTo(State.CLOSED);

        answer(b, ok("order"));

        assertThat(b.state()).as("8 of 10 slow").isEqualTo(State.OPEN);
    }

    @Test
    void aFailingEndpointStillOpensTheBreaker() {
        CircuitBreaker b = breaker();
        for (int i = 0; i < 9; i++) {
            answer(b, failed(i % 2 == 0 ? new InternalException("boom") : new InvalidArgumentException("bad")));
        }
        assertThat(b.metrics()).isEqualTo(new CircuitBreaker.Metrics(State.CLOSED, 9, 5, 0));

        answer(b, failed(new InvalidArgumentException("bad")));

        assertThat(b.state()).as("5 of 10 failed").isEqualTo(State.OPEN);
    }
}
