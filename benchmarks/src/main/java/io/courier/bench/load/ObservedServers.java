package io.courier.bench.load;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.observability.CourierMetrics;
import io.courier.observability.CourierTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Courier servers of {@code courier-rest} and {@code courier-grpc} with metrics and tracing
 * on, for {@link ObservabilityLoad}: a Prometheus registry (histograms on) and the OpenTelemetry
 * SDK, every span sampled and handed to an exporter that drops it, as server interceptors.
 */
final class ObservedServers {
    private ObservedServers() {
    }

    /** {@code courier-rest-observed} or {@code courier-grpc-observed}, serving; closing it closes the SDK too. */
    static Courier start(String kind) {
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite(List.of()))).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        CourierTracing tracing = CourierTracing.create(otel);
        CourierMetrics metrics = CourierMetrics.builder().build();
        Courier.Builder builder = Courier.builder().name(kind.startsWith("courier-rest") ? "bench-echo" : "bench-unary")
                .serverInterceptor(tracing.serverInterceptor()).serverInterceptor(metrics.serverInterceptor());
        Courier courier;
        if (kind.equals("courier-rest-observed")) {
            courier = builder.transport(new HttpTransportFactory()).build();
            courier.serve(Echo.class, payload -> payload);
        } else if (kind.equals("courier-grpc-observed")) {
            courier = builder.transport(GrpcTransportFactory.builder().build()).build();
            courier.serve(Unary.class, new Unary() {
                @Override
                public Payload echo(Payload payload) {
                    return payload;
                }

                @Override
                public CompletableFuture<Payload> echoAsync(Payload payload) {
                    return CompletableFuture.completedFuture(payload);
                }
            });
        } else {
            throw new IllegalArgumentException("kind: " + kind + " (expected: courier-rest-observed, courier-grpc-observed)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(otel::close));
        return courier;
    }
}
