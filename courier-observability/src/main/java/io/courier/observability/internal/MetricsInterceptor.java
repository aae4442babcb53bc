package io.courier.observability.internal;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.MessageSizes;
import io.courier.Status;
import io.courier.contract.MethodDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every call of one side ({@code client} or {@code server}) and counts those in flight,
 * per transport, service, method and status. A call that never returns a future (a step below
 * threw) is timed as failed too.
 */
public final class MetricsInterceptor implements Interceptor {
    private final MeterRegistry registry;
    private final boolean server;
    private final MetricsSettings settings;
    private final Map<Key, CallMeters> meters = new ConcurrentHashMap<>();

    public MetricsInterceptor(MeterRegistry registry, boolean server, MetricsSettings settings) {
        this.registry = registry;
        this.server = server;
        this.settings = settings;
    }

    private record Key(String system, MethodDescriptor method) {
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        String system = server ? Outcomes.serverSystem(call) : Outcomes.clientSystem(call);
        Key key = new Key(system, call.method());
        CallMeters m = meters.get(key);
        if (m == null) {
            m = meters.computeIfAbsent(key, k -> new CallMeters(registry, server ? "server" : "client",
                    Tags.of("rpc.system", k.system(), "rpc.service", call.service().name(), "rpc.method", call.method().name()),
                    settings));
        }
        CallMeters meters = m;
        if (server && system.equals("message")) {
            MessageAge.record(registry);
        }
        // The transport reports the sizes it knows into the call's MessageSizes: the server's
        // puts one in the context; on the client this passes one down to it.
        MessageSizes sizes = call.context().sizes().orElse(null);
        Call passed = call;
        if (sizes == null && !server) {
            sizes = MessageSizes.create();
            passed = call.withContext(call.context().withSizes(sizes));
        }
        if (sizes != null) {
            sizes.onRequest(meters::recordRequest);
            sizes.onResponse(meters::recordResponse);
        }
        long start = registry.config().clock().monotonicTime();
        meters.active.incrementAndGet();
        CompletableFuture<Object> result;
        try {
            result = next.proceed(passed);
        } catch (RuntimeException | Error e) {
            finish(meters, start, e);
            throw e;
        }
        return new Timing(meters, start).listen(result);
    }

    /** Times the call as it ends. */
    private final class Timing extends Outcomes.After {
        private final CallMeters meters;
        private final long start;

        Timing(CallMeters meters, long start) {
            this.meters = meters;
            this.start = start;
        }

        @Override
        protected void finish(Object value, Throwable failure) {
            MetricsInterceptor.this.finish(meters, start, failure);
        }
    }

    private void finish(CallMeters meters, long start, Throwable failure) {
        meters.active.decrementAndGet();
        // A server answers an exception that is not Courier's as INTERNAL; a client cannot tell.
        Status status = Outcomes.status(failure, server ? Status.INTERNAL : Status.UNKNOWN);
        meters.timer(status).record(registry.config().clock().monotonicTime() - start, TimeUnit.NANOSECONDS);
    }
}
