package io.courier.examples.ftgo;

import io.courier.Call;
import io.courier.Interceptor;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An endpoint interceptor that writes down every attempt a client makes: where it went and how
 * it ended. The scenario reads it to show load balancing, retries and ejection. Thread-safe.
 */
final class Attempts implements Interceptor {
    /** One attempt: the endpoint picked for it, and its error ({@code null} if it worked). */
    record Attempt(URI endpoint, Throwable error) {
    }

    private final List<Attempt> log = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        CompletableFuture<Object> attempt = next.proceed(call);
        // The caller waits for the logged stage, so an attempt is written down before its call returns.
        CompletableFuture<Object> logged = attempt.whenComplete((result, error) ->
                log.add(new Attempt(call.target(), error instanceof CompletionException c ? c.getCause() : error)));
        logged.exceptionally(e -> {
            if (e instanceof CancellationException) {
                attempt.cancel(false);
            }
            return null;
        });
        return logged;
    }

    /** How many attempts are written down so far. */
    int count() {
        return log.size();
    }

    /** The attempts from number {@code from} (0-based) on. */
    List<Attempt> since(int from) {
        return List.copyOf(log.subList(from, log.size()));
    }
}
