package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Interceptors;
import io.courier.Metadata;
import io.courier.annotation.Get;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {
    @Service("chained")
    interface Chained {
        @Get("/hello")
        String hello();
    }

    private final ServiceDescriptor service = ServiceDescriptor.of(Chained.class);
    private final Call call = Call.of(service, service.method("hello").orElseThrow(), null, CallContext.empty(),
            URI.create("inproc:test"));
    private final List<String> events = new CopyOnWriteArrayList<>();

    @Test
    void runsInterceptorsOutermostFirstThenTheTerminal() {
        InterceptorChain chain = new InterceptorChain(List.of(recording("a"), recording("b"), recording("c")), c -> {
            events.add("terminal");
            return CompletableFuture.completedFuture("result");
        });

        Object result = chain.proceed(call).join();

        assertThat(result).isEqualTo("result");
        assertThat(events).containsExactly("a in", "b in", "c in", "terminal", "c out", "b out", "a out");
    }

    @Test
    void anInterceptorMayChangeTheCall() {
        Interceptor tenant = (c, next) -> next.proceed(c.withContext(c.context().withMetadata(Metadata.of("x-tenant", "acme"))));
        InterceptorChain chain = new InterceptorChain(List.of(tenant), c ->
                CompletableFuture.completedFuture(c.context().metadata().get("x-tenant").orElse("none")));

        assertThat(chain.proceed(call).join()).isEqualTo("acme");
    }

    @Test
    void anInterceptorMayAnswerWithoutGoingOn() {
        AtomicInteger terminalRuns = new AtomicInteger();
        Interceptor cache = (c, next) -> CompletableFuture.completedFuture("cached");
        InterceptorChain chain = new InterceptorChain(List.of(recording("outer"), cache, recording("inner")), c -> {
            terminalRuns.incrementAndGet();
            return CompletableFuture.completedFuture("fresh");
        });

        assertThat(chain.proceed(call).join()).isEqualTo("cached");
        assertThat(terminalRuns).hasValue(0);
        assertThat(events).containsExactly("outer in", "outer out");
    }

    @Test
    void aRetryingInterceptorMayProceedAgain() {
        AtomicInteger attempts = new AtomicInteger();
        Interceptor retry = (c, next) -> next.proceed(c).exceptionallyCompose(f -> next.proceed(c));
        InterceptorChain chain = new InterceptorChain(List.of(retry), c -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("first attempt"))
                : CompletableFuture.completedFuture("second"));

        assertThat(chain.proceed(call).join()).isEqualTo("second");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void anInterceptorThatThrowsFailsTheFutureInsteadOfTheCaller() {
        Interceptor broken = (c, next) -> {
            throw new IllegalStateException("interceptor bug");
        };
        AtomicInteger terminalRuns = new AtomicInteger();
        InterceptorChain chain = new InterceptorChain(List.of(recording("outer"), broken), c -> {
            terminalRuns.incrementAndGet();
            return CompletableFuture.completedFuture("x");
        });

        CompletableFuture<Object> result = chain.proceed(call);

        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("interceptor bug");
        assertThat(terminalRuns).hasValue(0);
        assertThat(events).containsExactly("outer in", "outer out");
    }

    @Test
    void anInterceptorThatReturnsNullFailsTheFutureNamingIt() {
        Interceptor forgetful = new ReturnsNull();
        InterceptorChain chain = new InterceptorChain(List.of(forgetful), c -> CompletableFuture.completedFuture("x"));

        CompletableFuture<Object> result = chain.proceed(call);

        assertThatThrownBy(result::join).cause().isInstanceOf(IllegalStateException.class)
                .hasMessage("interceptor " + ReturnsNull.class.getName() + " returned null (expected: a future)");
    }

    @Test
    void aTerminalThatThrowsFailsTheFuture() {
        InterceptorChain chain = new InterceptorChain(List.of(recording("a")), c -> {
            throw new UnsupportedOperationException("terminal bug");
        });

        assertThatThrownBy(chain.proceed(call)::join).cause().isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("terminal bug");
        assertThat(events).containsExactly("a in", "a out");
    }

    @Test
    void noInterceptorsRunsTheTerminalAlone() {
        InterceptorChain chain = new InterceptorChain(List.of(), c -> CompletableFuture.completedFuture(c.method().name()));

        assertThat(chain.proceed(call).join()).isEqualTo("hello");
    }

    @Test
    void belowTheEndpointPickAStepThatProceedsTwiceFailsTheCallNamingIt() {
        Interceptor retry = new RetriesBelowThePick();
        AtomicInteger terminalRuns = new AtomicInteger();
        InterceptorChain chain = new InterceptorChain(List.of(retry), 0, c -> terminalRuns.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("first attempt"))
                : CompletableFuture.completedFuture("second"));

        assertThatThrownBy(chain.proceed(call)::join).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interceptor " + RetriesBelowThePick.class.getName())
                .hasMessageContaining("called proceed twice for one attempt");
        assertThat(terminalRuns).as("the second proceed never reached the transport").hasValue(1);
    }

    @Test
    void belowTheEndpointPickAStepMayNotChangeTheTarget() {
        Interceptor redirect = (c, next) -> next.proceed(c.withTarget(URI.create("http://10.0.0.9:80")));
        AtomicInteger terminalRuns = new AtomicInteger();
        InterceptorChain chain = new InterceptorChain(List.of(recording("outer"), redirect), 1, c -> {
            terminalRuns.incrementAndGet();
            return CompletableFuture.completedFuture("x");
        });

        assertThatThrownBy(chain.proceed(call)::join).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changed the target from inproc:test to http://10.0.0.9:80");
        assertThat(terminalRuns).hasValue(0);
    }

    @Test
    void aboveTheEndpointPickAStepMayChangeTheTarget() {
        Interceptor pick = (c, next) -> next.proceed(c.withTarget(URI.create("inproc:picked")));
        Interceptor perAttempt = (c, next) -> next.proceed(c);
        InterceptorChain chain = new InterceptorChain(List.of(pick, perAttempt), 1,
                c -> CompletableFuture.completedFuture(c.target().toString()));

        assertThat(chain.proceed(call).join()).isEqualTo("inproc:picked");
    }

    @Test
    void interceptorChainComposesStepsIntoOneThatRunsThemThenTheRest() {
        Interceptor composed = Interceptors.chain(List.of(recording("a"), recording("b")));
        InterceptorChain chain = new InterceptorChain(List.of(recording("outer"), composed), c -> {
            events.add("terminal");
            return CompletableFuture.completedFuture("done");
        });

        assertThat(chain.proceed(call).join()).isEqualTo("done");
        assertThat(events).containsExactly("outer in", "a in", "b in", "terminal", "b out", "a out", "outer out");
    }

    @Test
    void aComposedChainNamesAStepThatReturnsNull() {
        Interceptor composed = Interceptors.chain(List.of(recording("a"), new ReturnsNull()));

        CompletableFuture<Object> result = composed.intercept(call, c -> CompletableFuture.completedFuture("x"));

        assertThatThrownBy(result::join).cause().isInstanceOf(IllegalStateException.class)
                .hasMessage("interceptor " + ReturnsNull.class.getName() + " returned null (expected: a future)");
    }

    private static final class RetriesBelowThePick implements Interceptor {
        @Override
        public CompletableFuture<Object> intercept(Call call, Next next) {
            return next.proceed(call).exceptionallyCompose(f -> next.proceed(call));
        }
    }

    private Interceptor recording(String name) {
        return (c, next) -> {
            events.add(name + " in");
            return next.proceed(c).whenComplete((v, f) -> events.add(name + " out"));
        };
    }

    private static final class ReturnsNull implements Interceptor {
        @Override
        public CompletableFuture<Object> intercept(Call call, Next next) {
            return null;
        }
    }
}
