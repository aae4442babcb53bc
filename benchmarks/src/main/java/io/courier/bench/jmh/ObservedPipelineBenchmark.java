package io.courier.bench.jmh;

import io.courier.Courier;
import io.courier.bench.jmh.ClientPipelineBenchmark.Answering;
import io.courier.bench.jmh.ClientPipelineBenchmark.Stock;
import io.courier.observability.CourierMetrics;
import io.courier.observability.CourierTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * only passes the call on ({@code passingCall}: what the chain costs any interceptor); and the OpenTelemetry SDK's own
 * floor ({@code sdkFloorCall}): the bare call inside a span made straight with the same SDK, the
 * same name, kind and attributes, its context made current and closed, which tracing cannot go
 * below. The deadline is long so that
 * the first calls of a loaded machine (class loading, the SDK starting) do not fail the setup.
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

    private OpenTelemetrySdk otel;
    private Tracer tracer;
    private Courier observed;
    private Courier metered;
    private Courier traced;
    private Courier bare;
    private Courier passing;
    private Stock passingStock;
    private Stock observedStock;
    private Stock meteredStock;
    private Stock tracedStock;
    private Stock bareStock;

    @Setup
    public void setUp() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite(List.of()))).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        tracer = otel.getTracer("io.courier");
        CourierTracing tracing = CourierTracing.create(otel);
        CourierMetrics metrics = CourierMetrics.builder().build();
        observed = Courier.builder().name("bench-observed").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).clientInterceptor(metrics.clientInterceptor()).build();
        metered = Courier.builder().name("bench-metered").transport(new Answering())
                .clientInterceptor(metrics.clientInterceptor()).build();
        traced = Courier.builder().name("bench-traced").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).build();
        bare = Courier.builder().name("bench-bare").transport(new Answering()).build();
        passing = Courier.builder().name("bench-passing").transport(new Answering())
                .clientInterceptor((call, next) -> next.proceed(call)).build();
        passingStock = client(passing);
        observedStock = client(observed);
        meteredStock = client(metered);
        tracedStock = client(traced);
        bareStock = client(bare);
        for (Stock s : List.of(observedStock, meteredStock, tracedStock, bareStock)) {
            if (s.level(42) != 7L) {
                throw new IllegalStateException("the answering transport did not answer");
            }
        }
    }

    private static Stock client(Courier c) {
        return c.client(Stock.class).target(TARGET).deadline(Duration.ofSeconds(30)).build();
    }

    @TearDown
    public void tearDown() {
        observed.close();
        metered.close();
        traced.close();
        bare.close();
        passing.close();
        otel.close();
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

    /** The bare call in a span of the SDK's, as little as tracing it can cost. */
    @Benchmark
    public Long sdkFloorCall() {
        Context parent = Context.current();
        Span span = tracer.spanBuilder("stock/level").setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(ATTRIBUTES).setAttribute(SERVER_ADDRESS, TARGET.toString()).startSpan();
        Long level;
        try (var ignored = parent.with(span).makeCurrent()) {
            level = bareStock.level(42);
        }
        span.setAttribute(STATUS_CODE, "OK");
        span.end();
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
