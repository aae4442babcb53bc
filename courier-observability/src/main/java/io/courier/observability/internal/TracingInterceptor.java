package io.courier.observability.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Metadata;
import io.courier.Status;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final Set<Status> SERVER_ERRORS = EnumSet.of(Status.UNKNOWN, Status.DEADLINE_EXCEEDED,
            Status.UNIMPLEMENTED, Status.INTERNAL, Status.UNAVAILABLE, Status.DATA_LOSS);
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<String> STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");
    /** Methods whose span is prepared; beyond it spans are still made, only not from the cache. */
    private static final int MAX_PREPARED = 10_000;

    /** Writes the propagated fields into the call's metadata, one copy per field. */
    private static final TextMapSetter<Ending> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.metadata = carrier.metadata.withOnly(key, value);
        }
    };

    /** What every span of one method, through one transport, has in common: worked out once. */
    private record Prepared(ServiceDescriptor service, String system, String name, SpanKind kind, Attributes attributes) {
    }

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean server;
    private final Map<MethodDescriptor, Prepared> prepared = new ConcurrentHashMap<>();

    public TracingInterceptor(Tracer tracer, TextMapPropagator propagator, boolean server) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.server = server;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Prepared p = prepared(call, server ? Outcomes.serverSystem(call) : Outcomes.clientSystem(call));
        // The parent context, not only its span: what the propagators carry besides (baggage) goes on.
        Context parent = server ? extract(call.context().metadata()) : clientParent(call);
        SpanBuilder builder = tracer.spanBuilder(p.name()).setParent(parent).setSpanKind(p.kind())
                .setAllAttributes(p.attributes());
        if (!server && call.target() != null) {
            builder.setAttribute(SERVER_ADDRESS, call.target().toString());
        }
        Span span = builder.startSpan();
        Context context = parent.with(span);
        // One object per call of this interceptor's own: the carrier the propagator writes into,
        // then the future that ends the span.
        Ending ending = new Ending(span, call.context().metadata());
        propagator.inject(context, ending, SETTER);
        CallContext tracedContext = call.context().withMetadata(ending.metadata);
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
        return ending.listen(result);
    }

    /** The carrier of the propagated fields, then the future that ends the span as the call does. */
    private final class Ending extends Outcomes.After {
        private final Span span;
        Metadata metadata;

        Ending(Span span, Metadata metadata) {
            this.span = span;
            this.metadata = metadata;
        }

        @Override
        protected void finish(Object value, Throwable failure) {
            end(span, failure);
        }
    }

    /** The name, kind and attributes of the spans of {@code call}'s method through {@code system}. */
    private Prepared prepared(Call call, String system) {
        Prepared p = prepared.get(call.method());
        if (p != null && p.service() == call.service() && p.system().equals(system)) {
            return p;
        }
        boolean message = system.equals("message");
        SpanKind kind = server ? (message ? SpanKind.CONSUMER : SpanKind.SERVER)
                : (message ? SpanKind.PRODUCER : SpanKind.CLIENT);
        String service = call.service().name();
        String method = call.method().name();
        p = new Prepared(call.service(), system, service + "/" + method, kind,
                Attributes.of(SYSTEM, system, SERVICE, service, METHOD, method));
        if (prepared.size() < MAX_PREPARED) {
            prepared.put(call.method(), p);
        }
        return p;
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
        // Nothing to read in no metadata (a call from outside any handler): no propagator pass.
        return metadata.isEmpty() ? Context.root() : propagator.extract(Context.root(), metadata, GETTER);
    }

    private void end(Span span, Throwable failure) {
        Status status = Outcomes.status(failure, server ? Status.INTERNAL : Status.UNKNOWN);
        span.setAttribute(STATUS_CODE, status.name());
        if (failure != null) {
            span.recordException(Outcomes.unwrap(failure));
            if (!server || SERVER_ERRORS.contains(status)) {
                span.setStatus(StatusCode.ERROR, status.name());
            }
        }
        span.end();
    }
}
