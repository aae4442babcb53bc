package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallContextTest {
    private final AtomicLong now = new AtomicLong();
    private final Ticker ticker = now::get;

    @Test
    void emptyOutsideACall() {
        CallContext current = CallContext.current();

        assertThat(current).isSameAs(CallContext.empty());
        assertThat(current.deadline()).isEmpty();
        assertThat(current.caller()).isEmpty();
        assertThat(current.metadata().isEmpty()).isTrue();
    }

    @Test
    void runMakesItCurrentAndRestoresThePreviousOne() {
        CallContext outer = CallContext.empty().withCaller("outer");
        CallContext inner = CallContext.empty().withCaller("inner");
        AtomicReference<String> seenInside = new AtomicReference<>();
        AtomicReference<String> seenAfterInner = new AtomicReference<>();

        outer.run(() -> {
            inner.run(() -> seenInside.set(CallContext.current().caller().orElseThrow()));
            seenAfterInner.set(CallContext.current().caller().orElseThrow());
        });

        assertThat(seenInside).hasValue("inner");
        assertThat(seenAfterInner).hasValue("outer");
        assertThat(CallContext.current()).isSameAs(CallContext.empty());
    }

    @Test
    void restoresThePreviousOneWhenTheActionFails() {
        CallContext ctx = CallContext.empty().withCaller("failing");

        assertThatThrownBy(() -> ctx.run(() -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThatThrownBy(() -> ctx.call(() -> {
            throw new Exception("checked");
        })).hasMessage("checked");

        assertThat(CallContext.current()).isSameAs(CallContext.empty());
    }

    @Test
    void supplyAndCallReturnWhatTheActionComputes() throws Exception {
        CallContext ctx = CallContext.empty().withCaller("svc");

        assertThat(ctx.supply(() -> CallContext.current().caller().orElseThrow())).isEqualTo("svc");
        assertThat(ctx.call(() -> CallContext.current().caller().orElseThrow())).isEqualTo("svc");
    }

    @Test
    void wrapCarriesTheContextToAnotherThread() throws Exception {
        CallContext ctx = CallContext.empty().withCaller("carried").withMetadata(Metadata.of("x-tenant", "acme"));
        AtomicReference<CallContext> seen = new AtomicReference<>();
        AtomicReference<CallContext> seenAfter = new AtomicReference<>();
        Runnable wrapped = ctx.supply(() -> CallContext.wrap(() -> seen.set(CallContext.current())));

        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            virtual.submit(() -> {
                wrapped.run();
                seenAfter.set(CallContext.current());
            }).get(5, TimeUnit.SECONDS);
        }

        assertThat(seen.get()).isSameAs(ctx);
        assertThat(seenAfter.get()).isSameAs(CallContext.empty());
    }

    @Test
    void wrapCapturesTheContextAtWrapTime() throws Exception {
        Runnable wrappedOutside = CallContext.wrap(() -> assertThat(CallContext.current()).isSameAs(CallContext.empty()));
        CallContext ctx = CallContext.empty().withCaller("late");

        CompletableFuture<Void> ran = CompletableFuture.runAsync(() -> ctx.run(wrappedOutside));

        ran.get(5, TimeUnit.SECONDS);
    }

    @Test
    void copiesAreIndependent() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), ticker);
        CallContext base = CallContext.empty();

        CallContext full = base.withDeadline(deadline).withCaller("me").withMetadata(Metadata.of("a", "1"));

        assertThat(base.deadline()).isEmpty();
        assertThat(full.deadline()).contains(deadline);
        assertThat(full.caller()).contains("me");
        assertThat(full.metadata().get("a")).contains("1");
        assertThat(full.withDeadline(null).deadline()).isEmpty();
        assertThat(full.withCaller(null).caller()).isEmpty();
        assertThatThrownBy(() -> full.withMetadata(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withEarlierDeadlineKeepsTheEarlierOne() {
        Deadline soon = Deadline.after(Duration.ofSeconds(1), ticker);
        Deadline later = Deadline.after(Duration.ofSeconds(5), ticker);

        assertThat(CallContext.empty().withEarlierDeadline(later).deadline()).contains(later);
        assertThat(CallContext.empty().withDeadline(soon).withEarlierDeadline(later).deadline()).contains(soon);
        assertThat(CallContext.empty().withDeadline(later).withEarlierDeadline(soon).deadline()).contains(soon);
        CallContext ctx = CallContext.empty().withDeadline(soon);
        assertThat(ctx.withEarlierDeadline(null)).isSameAs(ctx);
    }

    @Test
    void threadScopesAreEnteredInOrderOnTheRunningThreadAndLeftInReverse() throws Exception {
        java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        CallContext ctx = CallContext.empty()
                .withThreadScope(() -> {
                    log.add("enter outer on " + Thread.currentThread().getName());
                    return () -> log.add("leave outer");
                })
                .withThreadScope(() -> {
                    log.add("enter inner");
                    return () -> log.add("leave inner");
                })
                .withMetadata(Metadata.of("k", "v")); // a copy keeps its scopes
        Thread t = Thread.ofVirtual().name("handler").unstarted(() -> ctx.run(() -> log.add("run")));
        t.start();
        t.join();
        assertThat(log).containsExactly("enter outer on handler", "enter inner", "run", "leave inner", "leave outer");

        log.clear();
        assertThatThrownBy(() -> ctx.supply(() -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(log).containsExactly("enter outer on " + Thread.currentThread().getName(), "enter inner",
                "leave inner", "leave outer");
        assertThat(CallContext.current()).isSameAs(CallContext.empty());
    }

    @Test
    void thePrincipalIsKeptByEveryCopyAndIsAbsentByDefault() {
        Principal ann = new Principal("ann", java.util.Set.of("clerk"), java.util.Set.of("orders:read"),
                java.util.Map.of("sub", "ann"));
        CallContext context = CallContext.empty().withPrincipal(ann)
                .withCaller("front").withMetadata(Metadata.of("x", "y")).withTransport("http")
                .withDeadline(Deadline.after(Duration.ofSeconds(1), ticker)).withThreadScope(() -> () -> { });

        assertThat(CallContext.empty().principal()).isEmpty();
        assertThat(context.principal()).containsSame(ann);
        assertThat(context.withPrincipal(null).principal()).isEmpty();
        assertThat(context.supply(() -> CallContext.current().principal())).containsSame(ann);
    }

    @Test
    void aPrincipalIsImmutableAndNamed() {
        java.util.Map<String, Object> claims = new java.util.HashMap<>(java.util.Map.of("sub", "ann"));
        Principal p = new Principal("ann", java.util.Set.of("clerk"), java.util.Set.of(), claims);
        claims.put("sub", "eve");

        assertThat(p.claims()).containsEntry("sub", "ann");
        assertThat(p.hasRole("clerk")).isTrue();
        assertThat(p.hasScope("orders:read")).isFalse();
        assertThatThrownBy(() -> p.roles().add("admin")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Principal.of(" ", java.util.Set.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a non-blank subject");
    }
}
