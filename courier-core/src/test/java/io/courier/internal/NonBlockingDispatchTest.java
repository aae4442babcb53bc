package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.annotation.NonBlocking;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the dispatcher runs a blocking-style method: a virtual thread, unless declared {@code @NonBlocking}. */
class NonBlockingDispatchTest {
    @Service
    public interface Threads {
        String first();

        String second();
    }

    /** Records the thread each method ran on. */
    static class Recording implements Threads {
        @Override
        public String first() {
            return Thread.currentThread().getName() + (Thread.currentThread().isVirtual() ? " (virtual)" : "");
        }

        @Override
        public String second() {
            return first();
        }
    }

    @NonBlocking
    static final class WhollyNonBlocking extends Recording {
    }

    static final class OneMethodNonBlocking extends Recording {
        @NonBlocking
        @Override
        public String second() {
            return super.second();
        }
    }

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        handlers.shutdownNow();
        scheduler.shutdownNow();
    }

    private String runOn(Object impl, String method) {
        Dispatcher dispatcher = new Dispatcher(List.of(), handlers, io.courier.Scheduler.of(scheduler));
        ServiceDescriptor service = ServiceDescriptor.of(Threads.class);
        dispatcher.add(service, impl);
        CompletableFuture<Object> result = dispatcher.dispatch(service, service.method(method).orElseThrow(),
                new Object[0], CallContext.empty());
        return (String) result.join();
    }

    @Test
    void aBlockingStyleMethodRunsOnAVirtualThread() {
        assertThat(runOn(new Recording(), "first")).endsWith("(virtual)");
    }

    @Test
    void aNonBlockingClassRunsOnTheCallersThread() {
        String caller = Thread.currentThread().getName();
        assertThat(runOn(new WhollyNonBlocking(), "first")).isEqualTo(caller);
        assertThat(runOn(new WhollyNonBlocking(), "second")).isEqualTo(caller);
    }

    @Test
    void aNonBlockingMethodRunsInPlaceAndTheOthersDoNot() {
        assertThat(runOn(new OneMethodNonBlocking(), "second")).isEqualTo(Thread.currentThread().getName());
        assertThat(runOn(new OneMethodNonBlocking(), "first")).endsWith("(virtual)");
    }
}
