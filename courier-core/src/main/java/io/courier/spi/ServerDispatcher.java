package io.courier.spi;

import io.courier.CallContext;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link ServerTransport} hands decoded calls to: runs the server interceptors and the
 * implementation (on a virtual thread, or in place for methods that return a future), enforces
 * the deadline, and turns every failure into a {@link io.courier.CourierException}.
 */
public interface ServerDispatcher {
    /**
     * Runs {@code method} with {@code args}. The future completes with the result, or
     * exceptionally with a {@link io.courier.CourierException} whose message is safe to send.
     */
    CompletableFuture<Object> dispatch(ServiceDescriptor service, MethodDescriptor method, Object[] args,
                                       CallContext context);
}
