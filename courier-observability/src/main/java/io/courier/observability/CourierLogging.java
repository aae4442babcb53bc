package io.courier.observability;

import io.courier.Interceptor;
import io.courier.observability.internal.LoggingInterceptor;

/**
 * Logs that can be joined to their traces: a server interceptor that puts {@code trace_id},
 * {@code span_id}, {@code rpc.service} and {@code rpc.method} in the SLF4J MDC of the thread
 * running each handler (REST, gRPC, commands, events), and, when asked, logs one line per served
 * call to the logger {@code io.courier.access} at INFO:
 *
 * <pre>
 * {system} {service}/{method} {status} {micros}us caller={caller or -} trace={trace id or -}
 * rest order/create OK 5321us caller=- trace=4bf92f3577b34da6a3ce929d0e0e4736
 * </pre>
 *
 * <p>The ids come from the call's {@code traceparent}: add this interceptor after
 * {@link CourierTracing#serverInterceptor()}, so that they name the server's own span.
 *
 * <pre>{@code
 * Courier.builder().serverInterceptor(tracing.serverInterceptor()).serverInterceptor(CourierLogging.mdc());
 * }</pre>
 */
public final class CourierLogging {
    private static final Interceptor MDC_ONLY = new LoggingInterceptor(false);
    private static final Interceptor WITH_ACCESS_LOG = new LoggingInterceptor(true);

    private CourierLogging() {
    }

    /** The MDC interceptor, without access lines. */
    public static Interceptor mdc() {
        return MDC_ONLY;
    }

    /** The MDC interceptor that also writes one access line per call. */
    public static Interceptor mdcAndAccessLog() {
        return WITH_ACCESS_LOG;
    }
}
