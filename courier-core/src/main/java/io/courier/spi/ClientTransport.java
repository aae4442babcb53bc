package io.courier.spi;

import io.courier.Call;
import java.util.concurrent.CompletableFuture;

/**
 * The end of the client's interceptor chain: encodes the call, sends it to
 * {@link Call#target()}, and decodes the answer. Thread-safe; one instance serves every client
 * of a {@code Courier}.
 */
public interface ClientTransport {
    /**
     * Sends {@code call}. The future completes with the decoded result ({@code null} for
     * {@code void}) or exceptionally with a {@link io.courier.CourierException}: the error the
     * server sent, or {@link io.courier.UnavailableException} when it could not be reached.
     * Cancelling the future abandons the call (the request is reset where the protocol allows).
     */
    CompletableFuture<Object> call(Call call);
}
