package io.courier.observability.internal;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Status;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future.State;

/** What metrics and spans label a call with: its transport and the status it ended with. */
public final class Outcomes {
    private static final Map<URI, String> SYSTEMS = new ConcurrentHashMap<>();

    private Outcomes() {
    }

    /** The status a call ended with: OK, a Courier error's status, CANCELLED, or {@code other} for anything else. */
    public static Status status(Throwable failure, Status other) {
        if (failure == null) {
            return Status.OK;
        }
        Throwable t = unwrap(failure);
        if (t instanceof CourierException c) {
            return c.status();
        }
        return t instanceof CancellationException ? Status.CANCELLED : other;
    }

    /**
     * A future that completes as {@code inner} does, once {@code action} has run: what is
     * recorded is there before the caller or the transport sees the answer. Cancelling it
     * cancels {@code inner}, so a caller that went away still stops the work.
     */
    public static CompletableFuture<Object> after(CompletableFuture<Object> inner, BiConsumer<Object, Throwable> action) {
        return new After() {
            @Override
            protected void finish(Object value, Throwable failure) {
                action.accept(value, failure);
            }
        }.listen(inner);
    }

    /**
     * What {@link #after} returns, for an interceptor on every call to extend with the fields
     * its {@link #finish} needs: the future, its listener and what it records in one object,
     * with one listener on {@code inner} and none on itself (a cancel is passed on when it
     * happens), instead of a future, a lambda and a listener each way.
     */
    public abstract static class After extends CompletableFuture<Object> implements BiConsumer<Object, Throwable> {
        /** Set once, by {@link #listen}, before anyone else sees this future. */
        private CompletableFuture<Object> inner;

        /** Records the outcome; runs once, before this future completes. */
        protected abstract void finish(Object value, Throwable failure);

        /**
         * Completes as {@code inner} does, {@link #finish} run first; returns this. Call once.
         * An {@code inner} that already succeeded (a transport that answered on this thread) is
         * read at once, without the dependent future a listener would add.
         */
        public final After listen(CompletableFuture<Object> inner) {
            this.inner = inner;
            if (inner.state() == State.SUCCESS) {
                accept(inner.resultNow(), null);
            } else {
                inner.whenComplete(this);
            }
            return this;
        }

        @Override
        public final void accept(Object value, Throwable failure) {
            try {
                finish(value, failure);
            } finally {
                if (failure == null) {
                    complete(value);
                } else {
                    completeExceptionally(failure);
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                inner.cancel(true);
            }
            return cancelled;
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            boolean completed = super.completeExceptionally(failure);
            if (completed && failure instanceof CancellationException) {
                inner.cancel(true);
            }
            return completed;
        }
    }

    /** The failure inside the wrappers futures add. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The transport of a client call, from its target: {@code rest}, {@code grpc},
     * {@code message}, {@code inproc}; a discovery target without a {@code scheme=} parameter is
     * {@code discovery} (the scheme is picked per attempt, below the interceptors that ask).
     */
    public static String clientSystem(Call call) {
        URI target = call.target();
        if (target == null || target.getScheme() == null) {
            return "unknown";
        }
        String system = SYSTEMS.get(target);
        if (system == null) {
            system = clientSystem(target);
            if (SYSTEMS.size() < 10_000) { // targets are a client's, or its endpoints: few
                SYSTEMS.put(target, system);
            }
        }
        return system;
    }

    private static String clientSystem(URI target) {
        String scheme = target.getScheme();
        if (!scheme.equals("discovery")) {
            return system(scheme);
        }
        String ssp = target.getSchemeSpecificPart(); // discovery:stock?scheme=grpc is opaque: no getQuery()
        int q = ssp.indexOf('?');
        if (q >= 0) {
            for (String param : ssp.substring(q + 1).split("&")) {
                if (param.startsWith("scheme=")) {
                    return system(param.substring("scheme=".length()).split(",")[0]);
                }
            }
        }
        return "discovery";
    }

    /** The transport of a served call, as its {@code CallContext} names it. */
    public static String serverSystem(Call call) {
        return system(call.context().transport().orElse("unknown"));
    }

    private static String system(String transport) {
        return switch (transport) {
            case "http", "h2c" -> "rest";
            case "grpc" -> "grpc";
            case "broker" -> "message";
            default -> transport;
        };
    }
}
