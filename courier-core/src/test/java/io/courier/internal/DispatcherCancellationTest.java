package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherCancellationTest {
    @Service
    interface Waiter {
        String await(String token);
    }

    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        handlers.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void cancellingTheDispatchedFutureInterruptsTheHandler() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Waiter impl = token -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                return "not interrupted";
            } catch (InterruptedException e) {
                interrupted.countDown();
                return "interrupted";
            }
        };
        Dispatcher dispatcher = new Dispatcher(List.of(), handlers, io.courier.Scheduler.of(scheduler));
        ServiceDescriptor service = ServiceDescriptor.of(Waiter.class);
        dispatcher.add(service, impl);

        CompletableFuture<Object> result = dispatcher.dispatch(service, service.method("await").orElseThrow(),
                new Object[] {"t"}, CallContext.empty());
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        result.cancel(true);

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the handler was interrupted").isTrue();
    }
}
