package io.courier.observability.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Metadata;
import io.courier.Status;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A span per call on one side. The trace context travels in the call's metadata, which every
 * transport carries (HTTP headers, gRPC metadata, message headers): the client writes its span
 * there, the server reads its parent from there and writes its own span back, so that the
 * handler's {@code CallContext} holds it and the handler's own calls and messages, which read
 * the trace from there, become its children.
 */
public final class TracingInterceptor implements Interceptor {
    /** Metadata as the propagator's carrier. */
    public static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.names();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(key).orElse(null);
        }
    };

    /** Server statuses that are the server's failure, as OpenTelemetry's RPC conventions count them. */
    private static final Set<Status> SERVER_ERRORS = Set.of(Status.UNKNOWN, Status.DEADLINE_EXCEEDED,
            Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS);

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean server;

    public TracingInterceptor(Tracer tracer, TextMapPropagator propagator, boolean server) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.server = server;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        String system = server ? Outcomes.serverSystem(call) : Outcomes.clientSystem(call);
        boolean message = system.equals("message");
        SpanKind kind = server ? (message ? SpanKind.CONSUMER : SpanKind.SERVER) : (message ? SpanKind.PRODUCER : SpanKind.CLIENT);
        // The parent context, not only its span: what the propagators carry besides (baggage) goes on.
        Context parent = server ? extract(call.context().metadata()) : clientParent(call);
        Span span = tracer.spanBuilder(call.service().name() + "/" + call.method().name())
                .setParent(parent)
                .setSpanKind(kind)
                .setAttribute("rpc.system", system)
                .setAttribute("rpc.service", call.service().name())
                .setAttribute("rpc.method", call.method().name())
                .startSpan();
        if (!server && call.target() != null) {
            span.setAttribute("server.address", call.target().toString());
        }
        Context context = parent.with(span);
        Map<String, String> carrier = new LinkedHashMap<>();
        propagator.inject(context, carrier, Map::put);
        Metadata metadata = call.context().metadata();
        for (Map.Entry<String, String> e : carrier.entrySet()) {
            metadata = metadata.withOnly(e.getKey(), e.getValue());
        }
        CallContext tracedContext = call.context().withMetadata(metadata);
        if (server) {
            // The handler's own thread (not this one) has the span current, for the handler's own spans.
            tracedContext = tracedContext.withThreadScope(() -> context.makeCurrent()::close);
        }
        Call traced = call.withContext(tracedContext);
        CompletableFuture<Object> result;
        try (Scope ignored = context.makeCurrent()) {
            result = next.proceed(traced);
        } catch (RuntimeException | Error e) {
            end(span, e);
            throw e;
        }
        return Outcomes.after(result, (v, f) -> end(span, f));
    }

    /** The span current on this thread, else the trace of the call, else that of the call being handled here. */
    private Context clientParent(Call call) {
        Context current = Context.current();
        if (Span.fromContext(current).getSpanContext().isValid()) {
            return current;
        }
        Context fromCall = extract(call.context().metadata());
        Context found = Span.fromContext(fromCall).getSpanContext().isValid() ? fromCall
                : extract(CallContext.current().metadata());
        // Baggage the calling code made current goes along even without a span of its own.
        Baggage baggage = Baggage.fromContext(current);
        return baggage.isEmpty() ? found : found.with(baggage);
    }

    private Context extract(Metadata metadata) {
        return propagator.extract(Context.root(), metadata, GETTER);
    }

    private void end(Span span, Throwable failure) {
        Status status = Outcomes.status(failure, server ? Status.INTERNAL : Status.UNKNOWN);
        span.setAttribute("rpc.response.status_code", status.name());
        if (failure != null) {
            span.recordException(Outcomes.unwrap(failure));
            if (!server || SERVER_ERRORS.contains(status)) {
                span.setStatus(StatusCode.ERROR, status.name());
            }
        }
        span.end();
    }
}
