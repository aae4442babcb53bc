package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.observability.internal.Outcomes;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The future every recording interceptor returns: what it records runs once, before the caller
 * sees the outcome, for an answer and a failure alike; cancelling it cancels the call below.
 */
class OutcomesTest {
    @Test
    void theRecordingRunsBeforeTheAnswerIsReleased() {
        CompletableFuture<Object> inner = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Object>[] out = new CompletableFuture[1];
        out[0] = Outcomes.after(inner, (v, f) -> seen.add(v + " done=" + out[0].isDone()));
        inner.complete("answer");
        assertThat(seen).containsExactly("answer done=false");
        assertThat(out[0].join()).isEqualTo("answer");

        CompletableFuture<Object> failing = new CompletableFuture<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> failed = Outcomes.after(failing, (v, f) -> failures.add(f));
        IllegalStateException boom = new IllegalStateException("boom");
        failing.completeExceptionally(boom);
        assertThat(failures).containsExactly(boom);
        assertThat(failed).isCompletedExceptionally();
    }

    @Test
    void anAnswerAlreadyThereIsRecordedOnceBeforeTheOuterFutureCompletes() {
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Object>[] out = new CompletableFuture[1];
        out[0] = Outcomes.after(CompletableFuture.completedFuture("answer"), (v, f) -> seen.add(v + " " + f));
        assertThat(seen).containsExactly("answer null");
        assertThat(out[0].join()).isEqualTo("answer");

        IllegalStateException boom = new IllegalStateException("boom");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> failed = Outcomes.after(CompletableFuture.failedFuture(boom), (v, f) -> failures.add(f));
        assertThat(failures).containsExactly(boom);
        assertThat(failed).isCompletedExceptionally();
        assertThat(failed.exceptionNow()).isSameAs(boom);
    }

    @Test
    void cancellingTheOuterFutureCancelsTheCallBelowAndRecordsItOnce() {
        CompletableFuture<Object> inner = new CompletableFuture<>();
        List<Throwable> recorded = new CopyOnWriteArrayList<>();
        CompletableFuture<Object> out = Outcomes.after(inner, (v, f) -> recorded.add(f));
        assertThat(out.cancel(true)).isTrue();
        assertThat(inner).isCancelled();
        assertThat(recorded).singleElement().isInstanceOf(CancellationException.class);
        assertThat(out).isCancelled();

        CompletableFuture<Object> inner2 = new CompletableFuture<>();
        CompletableFuture<Object> out2 = Outcomes.after(inner2, (v, f) -> { });
        out2.completeExceptionally(new CancellationException("gone"));
        assertThat(inner2).as("a cancellation as an exception passes on too").isCancelled();
        assertThat(out2.isDone()).isTrue();
    }
}
