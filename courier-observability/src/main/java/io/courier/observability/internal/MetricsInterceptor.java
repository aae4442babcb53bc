package io.courier.observability.internal;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.MessageSizes;
import io.courier.Status;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
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
    private final Clock clock;
    private final boolean server;
    private final String side;
    private final MetricsSettings settings;
    /**
     * The meters of each method, one per service and transport it is called through (mostly
     * one): found by the method alone, with no key made per call.
     */
    private final Map<MethodDescriptor, CallMeters[]> byMethod = new ConcurrentHashMap<>();

    public MetricsInterceptor(MeterRegistry registry, boolean server, MetricsSettings settings) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.server = server;
        this.side = server ? "server" : "client";
        this.settings = settings;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        String system = server ? Outcomes.serverSystem(call) : Outcomes.clientSystem(call);
        CallMeters meters = meters(call, system);
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
            sizes.onRequest(meters.requestSizes);
            sizes.onResponse(meters.responseSizes);
        }
        long start = clock.monotonicTime();
        meters.active.increment();
        CompletableFuture<Object> result;
        try {
            result = next.proceed(passed);
        } catch (RuntimeException | Error e) {
            finish(meters, start, e);
            throw e;
        }
        return new Timing(meters, start).listen(result);
    }

    /** The meters of {@code call}'s method, service and transport; registered on the first call. */
    private CallMeters meters(Call call, String system) {
        CallMeters m = find(byMethod.get(call.method()), call.service(), system);
        if (m != null) {
            return m;
        }
        CallMeters[] all = byMethod.compute(call.method(), (method, known) -> find(known, call.service(), system) != null
                ? known : with(known, new CallMeters(registry, side, call.service(), system, method.name(), settings)));
        return find(all, call.service(), system);
    }

    private static CallMeters find(CallMeters[] known, ServiceDescriptor service, String system) {
        if (known != null) {
            for (CallMeters m : known) {
                if (m.service == service && m.system.equals(system)) {
                    return m;
                }
            }
        }
        return null;
    }

    private static CallMeters[] with(CallMeters[] known, CallMeters added) {
        CallMeters[] all = known == null ? new CallMeters[1] : Arrays.copyOf(known, known.length + 1);
        all[all.length - 1] = added;
        return all;
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
        meters.active.decrement();
        // A server answers an exception that is not Courier's as INTERNAL; a client cannot tell.
        Status status = Outcomes.status(failure, server ? Status.INTERNAL : Status.UNKNOWN);
        meters.timer(status).record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
    }
}
