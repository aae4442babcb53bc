package io.courier.observability;

import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.observability.internal.TracingInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * Traces every call with the OpenTelemetry API: a span per call on each side ({@code CLIENT} and
 * {@code SERVER} for REST and gRPC, {@code PRODUCER} and {@code CONSUMER} for commands, events
 * and scatter-gather requests), named {@code service/method}, with the attributes
 * {@code rpc.system}, {@code rpc.service}, {@code rpc.method}, {@code rpc.response.status_code}
 * and, on the client, {@code server.address}; a failure is recorded on the span, and its status
 * set to error (on the server only for the statuses that are the server's fault). The trace
 * context is propagated with the {@link OpenTelemetry}'s propagators (W3C {@code traceparent}
 * and {@code tracestate} with the usual setup) through the call's metadata, which travels as
 * HTTP headers, gRPC metadata and message headers.
 *
 * <pre>{@code
 * CourierTracing tracing = CourierTracing.create(openTelemetry);   // the application's SDK
 * Courier.builder().clientInterceptor(tracing.clientInterceptor()).serverInterceptor(tracing.serverInterceptor());
 * Messaging.builder().clientInterceptor(tracing.clientInterceptor()).serverInterceptor(tracing.serverInterceptor());
 * }</pre>
 *
 * <p>A handler's own calls and messages are children of its server span: the span is in the
 * handler's {@link CallContext}, and current ({@code Span.current()}) on the thread that runs
 * the handler, so the handler's own spans are its children too. Thread-safe.
 */
public final class CourierTracing {
    private static final String INSTRUMENTATION = "io.courier";

    private final TextMapPropagator propagator;
    private final Interceptor client;
    private final Interceptor server;

    private CourierTracing(OpenTelemetry openTelemetry) {
        var tracer = openTelemetry.getTracer(INSTRUMENTATION);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.client = new TracingInterceptor(tracer, propagator, false);
        this.server = new TracingInterceptor(tracer, propagator, true);
    }

    /** Tracing with {@code openTelemetry}'s tracer provider and propagators. */
    public static CourierTracing create(OpenTelemetry openTelemetry) {
        return new CourierTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** For {@code Courier.Builder.clientInterceptor} and {@code Messaging.Builder.clientInterceptor}; put it first. */
    public Interceptor clientInterceptor() {
        return client;
    }

    /** For {@code Courier.Builder.serverInterceptor} and {@code Messaging.Builder.serverInterceptor}; put it first. */
    public Interceptor serverInterceptor() {
        return server;
    }

    /** The trace context of the call handled on this thread ({@link CallContext#current()}), or the root context. */
    public Context context() {
        return propagator.extract(Context.root(), CallContext.current().metadata(), TracingInterceptor.GETTER);
    }
}
