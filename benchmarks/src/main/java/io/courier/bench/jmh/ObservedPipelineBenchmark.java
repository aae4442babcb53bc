package io.courier.bench.jmh;

import io.courier.Courier;
import io.courier.bench.jmh.ClientPipelineBenchmark.Answering;
import io.courier.bench.jmh.ClientPipelineBenchmark.Stock;
import io.courier.observability.CourierMetrics;
import io.courier.observability.CourierTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
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
 * with metrics only, tracing only, and neither ({@code bareCall}). The deadline is long so that
 * the first calls of a loaded machine (class loading, the SDK starting) do not fail the setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservedPipelineBenchmark {
    private static final URI TARGET = URI.create("answer://127.0.0.1:1");

    private OpenTelemetrySdk otel;
    private Courier observed;
    private Courier metered;
    private Courier traced;
    private Courier bare;
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
        CourierTracing tracing = CourierTracing.create(otel);
        CourierMetrics metrics = CourierMetrics.builder().build();
        observed = Courier.builder().name("bench-observed").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).clientInterceptor(metrics.clientInterceptor()).build();
        metered = Courier.builder().name("bench-metered").transport(new Answering())
                .clientInterceptor(metrics.clientInterceptor()).build();
        traced = Courier.builder().name("bench-traced").transport(new Answering())
                .clientInterceptor(tracing.clientInterceptor()).build();
        bare = Courier.builder().name("bench-bare").transport(new Answering()).build();
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

    @Benchmark
    public Long bareCall() {
        return bareStock.level(42);
    }
}
