package io.courier.observability.internal;

import io.courier.Status;
import io.courier.contract.ServiceDescriptor;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The meters of one method of one service on one side and transport: a timer per status
 * (registered on its first call), the calls in flight and the message sizes, with the listeners
 * that record sizes made once. Found once per call by its method, so a call costs a lookup,
 * neither tags built nor a registry search.
 */
final class CallMeters {
    final ServiceDescriptor service;
    final String system;
    final LongAdder active;
    /** For every call's {@code MessageSizes}: made once, not per call. */
    final LongConsumer requestSizes = this::recordRequest;
    final LongConsumer responseSizes = this::recordResponse;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(Status.values().length);
    private final MeterRegistry registry;
    private final String name;
    private final Tags tags;
    private final MetricsSettings settings;
    private final String side;
    /** Registered on the first size a transport reports, so transports that know none show none. */
    private volatile DistributionSummary requestSize;
    private volatile DistributionSummary responseSize;

    CallMeters(MeterRegistry registry, String side, ServiceDescriptor service, String system, String method,
               MetricsSettings settings) {
        this.service = service;
        this.system = system;
        Tags tags = Tags.of("rpc.system", system, "rpc.service", service.name(), "rpc.method", method);
        this.registry = registry;
        this.side = side;
        this.name = "rpc." + side + ".duration";
        this.tags = tags;
        this.settings = settings;
        this.active = ActiveCounts.of(registry, "rpc." + side + ".active_requests", tags);
    }

    Timer timer(Status status) {
        Timer t = timers.get(status.ordinal());
        if (t == null) {
            t = register(status); // the registry returns the same timer to racing threads
            timers.set(status.ordinal(), t);
        }
        return t;
    }

    void recordRequest(long bytes) {
        DistributionSummary s = requestSize;
        if (s == null) {
            s = requestSize = size("request");
        }
        s.record(bytes);
    }

    void recordResponse(long bytes) {
        DistributionSummary s = responseSize;
        if (s == null) {
            s = responseSize = size("response");
        }
        s.record(bytes);
    }

    private DistributionSummary size(String message) {
        return DistributionSummary.builder("rpc." + side + "." + message + ".size").baseUnit("bytes")
                .description("Sizes of " + message + " bodies as the transport encoded them").tags(tags)
                .register(registry);
    }

    private Timer register(Status status) {
        Timer.Builder b = Timer.builder(name).description("Duration of calls, by the status they ended with")
                .tags(tags).tag("rpc.response.status_code", status.name())
                .publishPercentileHistogram(settings.histogram());
        if (settings.percentiles().length > 0) {
            b.publishPercentiles(settings.percentiles());
        }
        if (settings.slos().length > 0) {
            b.serviceLevelObjectives(settings.slos());
        }
        return b.register(registry);
    }
}
