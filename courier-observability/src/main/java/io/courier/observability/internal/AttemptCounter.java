package io.courier.observability.internal;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;

/**
 * Counts every attempt of a client's calls per endpoint and status: an endpoint interceptor,
 * below the retries, so that attempts minus calls is the number of retries.
 */
public final class AttemptCounter implements Interceptor {
    private final MeterRegistry registry;

    public AttemptCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        return Outcomes.after(next.proceed(call), (v, f) -> Counter.builder("rpc.client.attempts")
                .description("Attempts of client calls, retries and hedges included, per endpoint")
                .tag("rpc.system", Outcomes.clientSystem(call))
                .tag("rpc.service", call.service().name())
                .tag("rpc.method", call.method().name())
                .tag("server.address", String.valueOf(call.target()))
                .tag("rpc.response.status_code", Outcomes.status(f, Status.UNKNOWN).name())
                .register(registry).increment());
    }
}
