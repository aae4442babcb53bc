package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.messaging.Message;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;

/**
 * A request/response call waiting for its one reply: the first reply completes it; the deadline
 * step of the command client's chain cancels it when the deadline passes first.
 */
final class PendingReply extends ReplyRouter.Waiting {
    private final ReplyRouter router;
    private final MessagingRuntime rt;
    private final String what;
    private final Type resultType;
    final CompletableFuture<Object> future = new CompletableFuture<>();

    PendingReply(ReplyRouter router, MessagingRuntime rt, String correlationId, String what, Type resultType) {
        super(correlationId);
        this.router = router;
        this.rt = rt;
        this.what = what;
        this.resultType = resultType;
    }

    @Override
    boolean accept(Message reply) {
        if (!router.finish(this)) {
            return false;
        }
        CourierException error = ErrorHeaders.read(reply.headers());
        if (error != null) {
            future.completeExceptionally(error);
        } else if (resultType == void.class || resultType == Void.class) {
            future.complete(null);
        } else {
            try {
                future.complete(rt.decode(reply, resultType));
            } catch (PoisonMessageException e) {
                future.completeExceptionally(new InternalException(what + ": the reply could not be read: "
                        + e.getMessage()));
            }
        }
        return true;
    }

    @Override
    void abandon() {
        future.completeExceptionally(MessagingRuntime.closedError(what));
    }
}
