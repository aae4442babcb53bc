package io.courier.bench.jmh;

import io.courier.Courier;
import io.courier.bench.jmh.ClientPipelineBenchmark.Answering;
import io.courier.bench.jmh.ClientPipelineBenchmark.Stock;
import io.courier.observability.CourierMetrics;
import io.courier.observability.CourierTracing;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What courier-observability adds to a client call: the call of {@link ClientPipelineBenchmark}
 * (proxy, deadline, a transport that answers at once) with metrics (a Prometheus registry,
 * histogram on) and tracing (the OpenTelemetry SDK, every span sampled and handed to an
 * exporter that drops it) as client interceptors ({@code courierCall}), against the same call
 * with metrics only, tracing only, and neither ({@code bareCall}), and through an interceptor that
 * only passes the call on ({@code passingCall}: what the chain costs any interceptor); and the
 * floors no instrumentation can go below: the OpenTelemetry SDK's ({@code sdkFloorCall}: the
 * bare call inside a span made straight with the same SDK, the same name, kind and attributes,
 * its context made current and closed) and Micrometer's ({@code meterFloorCall}: the bare call
 * timed straight into the same kind of timer, found beforehand, and counted in flight).
 *
 * <p>Tracing is measured under both of the SDK's span processors, each with an exporter that
 * drops every span: {@code SimpleSpanProcessor}, which turns each ended span into span data and
 * exports it on the caller's thread, and {@code BatchSpanProcessor} (the {@code ...BatchCall}
 * benchmarks), the one the SDK recommends for production, which queues the ended span and
 * exports it from a thread of its own (with a queue of 65,536 spans instead of the default
 * 2,048, which drops spans while full at these rates; the exporters count the spans they were
 * given, {@link #exported()}). The deadline is long so that the
 * first calls of a loaded machine (class loading, the SDK starting) do not fail the setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservedPipelineBenchmark {
    private static final URI TARGET = URI.create("answer://127.0.0.1:1");

    private static final Attributes ATTRIBUTES = Attributes.of(AttributeKey.stringKey("rpc.system"), "answer",
            AttributeKey.stringKey("rpc.service"), "stock", AttributeKey.stringKey("rpc.method"), "level");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<String> STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");

    private final Dropping simpleExporter = new Dropping();
    private final Dropping batchExporter = new Dropping();
    private OpenTelemetrySdk otel;
    private OpenTelemetrySdk otelBatch;
    private Tracer tracer;
    private Tracer batchTracer;
    private Timer floorTimer;
    private final AtomicInteger floorActive = new AtomicInteger();
    /** Where {@link #sdkFloorPropagatedCall} has the propagator write the traceparent. */
    private final String[] carrier = new String[1];
    private Courier observed;
    private Courier observedBatch;
    private Courier metered;
    private Courier traced;
    private Courier tracedBatch;
    private Courier bare;
    private Courier passing;
    private Stock passingStock;
    private Stock observedStock;
    private Stock observedBatchStock;
    private Stock meteredStock;
    private Stock tracedStock;
    private Stock tracedBatchStock;
    private Stock bareStock;

    @Setup
    public void setUp() {
        otel = sdk(SimpleSpanProcessor.create(simpleExporter));
        // The default settings but for a longer queue: the default 2,048 overflows at a million
        // spans a second on a busy machine, and a dropped span costs the caller less than one kept.
        otelBatch = sdk(BatchSpanProcessor.builder(batchExporter).setMaxQueueSize(1 << 16).build());
        tracer = otel.getTracer("io.courier");
        batchTracer = otelBatch.getTracer("io.courier");
        CourierTracing tracing = CourierTracing.create(otel);
        CourierTracing batchTracing = CourierTracing.create(otelBatch);
        CourierMetrics metrics = CourierMetrics.builder().build();
        // The timer Courier's would be, found once: what recording a call costs Micrometer itself.
        floorTimer = Timer.builder("bench.floor.duration").tags("rpc.system", "answer", "rpc.service", "stock",
                "rpc.method", "level", "rpc.response.status_code", "OK").publishPercentileHistogram(true)
                .register(metrics.registry());
        observed = Courier.builder().name("bench-observed").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).clientInterceptor(metrics.clientInterceptor()).build();
        observedBatch = Courier.builder().name("bench-observed-batch").transport(new Answering())
                .clientInterceptor(batchTracing.clientInterceptor()).clientInterceptor(metrics.clientInterceptor()).build();
        metered = Courier.builder().name("bench-metered").transport(new Answering())
                .clientInterceptor(metrics.clientInterceptor()).build();
        traced = Courier.builder().name("bench-traced").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).build();
        tracedBatch = Courier.builder().name("bench-traced-batch").transport(new Answering())
                .clientInterceptor(batchTracing.clientInterceptor()).build();
        bare = Courier.builder().name("bench-bare").transport(new Answering()).build();
        passing = Courier.builder().name("bench-passing").transport(new Answering())
                .clientInterceptor((call, next) -> next.proceed(call)).build();
        passingStock = client(passing);
        observedStock = client(observed);
        observedBatchStock = client(observedBatch);
        meteredStock = client(metered);
        tracedStock = client(traced);
        tracedBatchStock = client(tracedBatch);
        bareStock = client(bare);
        for (Stock s : List.of(observedStock, observedBatchStock, meteredStock, tracedStock, tracedBatchStock, bareStock)) {
            if (s.level(42) != 7L) {
                throw new IllegalStateException("the answering transport did not answer");
            }
        }
    }

    private static OpenTelemetrySdk sdk(SpanProcessor processor) {
        return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(processor).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    }

    /** An exporter that drops every span, counting them. */
    static final class Dropping implements SpanExporter {
        final LongAdder spans = new LongAdder();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.add(batch.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /**
     * Spans the exporters were given so far, {@code SimpleSpanProcessor}'s and
     * {@code BatchSpanProcessor}'s (after a flush of the batch queue): fewer than the traced
     * calls made means the batch processor dropped spans from its full queue.
     */
    public long[] exported() {
        otelBatch.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        return new long[] {simpleExporter.spans.sum(), batchExporter.spans.sum()};
    }

    private static Stock client(Courier c) {
        return c.client(Stock.class).target(TARGET).deadline(Duration.ofSeconds(30)).build();
    }

    @TearDown
    public void tearDown() {
        observed.close();
        observedBatch.close();
        metered.close();
        traced.close();
        tracedBatch.close();
        bare.close();
        passing.close();
        otel.close();
        otelBatch.close();
    }

    @Benchmark
    public Long courierCall() {
        return observedStock.level(42);
    }

    @Benchmark
    public Long metricsCall() {
        return meteredStock.level(42);
    }

    @Benchmark
    public Long tracedCall() {
        return tracedStock.level(42);
    }

    /** Both, with spans through {@code BatchSpanProcessor}. */
    @Benchmark
    public Long courierBatchCall() {
        return observedBatchStock.level(42);
    }

    /** Tracing with spans through {@code BatchSpanProcessor}. */
    @Benchmark
    public Long tracedBatchCall() {
        return tracedBatchStock.level(42);
    }

    /** The bare call in a span of the SDK's ({@code SimpleSpanProcessor}), as little as tracing it can cost. */
    @Benchmark
    public Long sdkFloorCall() {
        return spanned(tracer);
    }

    /** The bare call in a span of the SDK's, through {@code BatchSpanProcessor}. */
    @Benchmark
    public Long sdkFloorBatchCall() {
        return spanned(batchTracer);
    }

    /**
     * {@link #sdkFloorCall} with the span's context also written out by the W3C propagator, as
     * any instrumentation that carries a trace to another process must: the propagator's own cost.
     */
    @Benchmark
    public Long sdkFloorPropagatedCall() {
        return spanned(tracer, true);
    }

    private Long spanned(Tracer t) {
        return spanned(t, false);
    }

    private Long spanned(Tracer t, boolean propagated) {
        Context parent = Context.current();
        Span span = t.spanBuilder("stock/level").setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(ATTRIBUTES).setAttribute(SERVER_ADDRESS, TARGET.toString()).startSpan();
        Context context = parent.with(span);
        if (propagated) {
            W3CTraceContextPropagator.getInstance().inject(context, carrier, (c, key, value) -> c[0] = value);
        }
        Long level;
        try (var ignored = context.makeCurrent()) {
            level = bareStock.level(42);
        }
        span.setAttribute(STATUS_CODE, "OK");
        span.end();
        return level;
    }

    /**
     * The bare call timed straight into a Prometheus timer with a histogram, found beforehand,
     * and counted in flight: as little as metering it can cost.
     */
    @Benchmark
    public Long meterFloorCall() {
        long start = System.nanoTime();
        floorActive.incrementAndGet();
        Long level = bareStock.level(42);
        floorActive.decrementAndGet();
        floorTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return level;
    }

    /** The bare call through a client interceptor that only passes it on: what any interceptor costs the chain. */
    @Benchmark
    public Long passingCall() {
        return passingStock.level(42);
    }

    @Benchmark
    public Long bareCall() {
        return bareStock.level(42);
    }
}
