package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.NotFoundException;
import io.courier.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FallbackTest {
    private static final CompletableFuture<Object> DOWN = failed(new UnavailableException("down"));

    @Test
    void answersForEveryMethodOfTheClient() {
        List<String> seen = new ArrayList<>();
        Fallback fallback = Fallback.of((call, error) -> {
            seen.add(call.method().name() + ": " + error.getMessage());
            return "fallback";
        });

        CompletableFuture<Object> f = fallback.intercept(Calls.idempotent(), call -> DOWN);

        assertThat(f).isCompletedWithValue("fallback");
        assertThat(seen).containsExactly("item: down");
    }

    @Test
    void passesSuccessesAndAnswersThrough() {
        Fallback fallback = Fallback.of((call, error) -> "fallback");

        assertThat(fallback.intercept(Calls.idempotent(), call -> ok("real"))).isCompletedWithValue("real");
        assertThat(fallback.intercept(Calls.idempotent(), call -> failed(new NotFoundException("no item"))).exceptionNow())
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aMethodIsChosenByCallingItNotByName() {
        Fallback fallback = Fallback.builder()
                .on(Inventory.class, s -> s.item(0), (call, error) -> "cached item " + call.args().get(0))
                .on(Inventory.class, s -> s.count(0), (call, error) -> -1)
                .build();

        assertThat(fallback.intercept(Calls.call("item", 7L), call -> DOWN)).isCompletedWithValue("cached item 7");
        assertThat(fallback.intercept(Calls.call("count", 7L), call -> DOWN)).isCompletedWithValue(-1);
        assertThat(fallback.intercept(Calls.nonIdempotent(), call -> DOWN).exceptionNow())
                .as("create has no fallback").isInstanceOf(UnavailableException.class);
    }

    @Test
    void aVoidMethodFallsBackToReturningNormally() {
        List<Object> deferred = new ArrayList<>();
        Fallback fallback = Fallback.builder()
                .onVoid(Inventory.class, s -> s.touch(0), (call, error) -> deferred.add(call.args().get(0)))
                .build();

        CompletableFuture<Object> f = fallback.intercept(Calls.call("touch", 3L), call -> DOWN);

        assertThat(f).isCompletedWithValue(null);
        assertThat(deferred).containsExactly(3L);
    }

    @Test
    void anAsyncMethodMayFallBackToAFuture() {
        Fallback fallback = Fallback.builder()
                .on(Inventory.class, s -> s.itemAsync(0), (call, error) -> CompletableFuture.completedFuture("later"))
                .build();

        CompletableFuture<Object> f = fallback.intercept(Calls.call("itemAsync", 1L), call -> DOWN);

        assertThat(f).isCompletedWithValue("later");
    }

    @Test
    void whatTheHandlerThrowsIsTheErrorAndKeepsTheOriginal() {
        Fallback fallback = Fallback.of((call, error) -> {
            throw new IllegalStateException("no cache either");
        });

        Throwable error = fallback.intercept(Calls.idempotent(), call -> DOWN).exceptionNow();

        assertThat(error).isInstanceOf(IllegalStateException.class).hasMessage("no cache either");
        assertThat(error.getSuppressed()).singleElement().isInstanceOf(UnavailableException.class);
    }

    @Test
    void aPolicyDecidesWhichErrorsFallBack() {
        Fallback fallback = Fallback.builder().otherwise((call, error) -> "none")
                .when(e -> e instanceof NotFoundException).build();

        assertThat(fallback.intercept(Calls.idempotent(), call -> failed(new NotFoundException("x"))))
                .isCompletedWithValue("none");
        assertThat(fallback.intercept(Calls.idempotent(), call -> DOWN)).isCompletedExceptionally();
    }

    @Test
    void aCancelledCallDoesNotFallBackAndCancelsBelow() {
        Fallback fallback = Fallback.of((call, error) -> "fallback");
        CompletableFuture<Object> below = new CompletableFuture<>();

        CompletableFuture<Object> f = fallback.intercept(Calls.idempotent(), call -> below);
        f.cancel(true);

        assertThat(below).isCancelled();
    }

    @Test
    void aNonCourierErrorReachesTheHandlerAsACourierException() {
        List<CourierException> seen = new ArrayList<>();
        Fallback fallback = Fallback.of((Call call, CourierException error) -> seen.add(error));

        fallback.intercept(Calls.idempotent(), call -> failed(new IllegalStateException("bug below")));

        assertThat(seen).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("bug below"));
    }

    @Test
    void aSelectorMustCallExactlyOneRemoteMethod() {
        assertThatThrownBy(() -> Fallback.builder().on(Inventory.class, s -> "nothing", (c, e) -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("selector: called 0 methods of io.courier.resilience.Inventory (expected: exactly one");
    }
}
