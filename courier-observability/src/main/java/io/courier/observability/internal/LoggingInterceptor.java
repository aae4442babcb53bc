package io.courier.observability.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Status;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Puts the trace id, span id, service and method of a served call in the SLF4J MDC of the
 * thread that runs its handler, and optionally logs one access line per call.
 */
public final class LoggingInterceptor implements Interceptor {
    private static final Logger access = LoggerFactory.getLogger("io.courier.access");

    private final boolean accessLog;

    public LoggingInterceptor(boolean accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        String traceparent = call.context().metadata().get("traceparent").orElse(null);
        // 00-<32 hex trace id>-<16 hex span id>-<flags>
        boolean traced = traceparent != null && traceparent.length() >= 55 && traceparent.charAt(2) == '-';
        String traceId = traced ? traceparent.substring(3, 35) : null;
        String spanId = traced ? traceparent.substring(36, 52) : null;
        String service = call.service().name();
        String method = call.method().name();
        CallContext.ThreadScope mdc = () -> {
            MDC.put("rpc.service", service);
            MDC.put("rpc.method", method);
            if (traced) {
                MDC.put("trace_id", traceId);
                MDC.put("span_id", spanId);
            }
            return () -> {
                MDC.remove("rpc.service");
                MDC.remove("rpc.method");
                MDC.remove("trace_id");
                MDC.remove("span_id");
            };
        };
        Call scoped = call.withContext(call.context().withThreadScope(mdc));
        if (!accessLog || !access.isInfoEnabled()) {
            return next.proceed(scoped);
        }
        long start = System.nanoTime();
        return Outcomes.after(next.proceed(scoped), (v, f) -> access.info("{} {}/{} {} {}us caller={} trace={}",
                Outcomes.serverSystem(call), service, method, Outcomes.status(f, Status.INTERNAL),
                (System.nanoTime() - start) / 1000, call.context().caller().orElse("-"), traced ? traceId : "-"));
    }
}
