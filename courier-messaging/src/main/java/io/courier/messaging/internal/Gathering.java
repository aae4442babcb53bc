package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.messaging.Message;
import io.courier.messaging.Replies;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A scatter-gather request collecting replies, one per responder (named by the reply's
 * {@code courier-responder} header, else its source),
 * until {@code expected} have answered or the deadline passes; then the future gets what came.
 */
final class Gathering<R> extends ReplyRouter.Waiting {
    private final ReplyRouter router;
    private final MessagingRuntime rt;
    private final Class<R> replyType;
    private final int expected;
    private final Map<String, R> replies = new HashMap<>();
    private final Map<String, CourierException> failures = new HashMap<>();
    final CompletableFuture<Replies<R>> future = new CompletableFuture<>();

    Gathering(ReplyRouter router, MessagingRuntime rt, String correlationId, Class<R> replyType, int expected) {
        super(correlationId);
        this.router = router;
        this.rt = rt;
        this.replyType = replyType;
        this.expected = expected;
    }

    @Override
    boolean accept(Message reply) {
        String responder = reply.headers().get(io.courier.messaging.MessageHeaders.RESPONDER)
                .or(reply::source).orElse("anonymous-" + reply.id());
        boolean done;
        synchronized (this) {
            if (future.isDone() || replies.containsKey(responder) || failures.containsKey(responder)) {
                return false; // after the end, or a responder's duplicate
            }
            CourierException error = ErrorHeaders.read(reply.headers());
            if (error == null) {
                try {
                    R value = replyType.cast(rt.decode(reply, replyType));
                    if (value == null) {
                        failures.put(responder, new InternalException("reply of " + responder + " is empty"));
                    } else {
                        replies.put(responder, value);
                    }
                } catch (PoisonMessageException | RuntimeException e) {
                    failures.put(responder, new InternalException("reply of " + responder + " could not be read: "
                            + e.getMessage()));
                }
            } else {
                failures.put(responder, error);
            }
            done = replies.size() + failures.size() >= expected;
        }
        if (done && router.finish(this)) {
            complete();
        }
        return true;
    }

    @Override
    void expire() {
        complete();
    }

    @Override
    void abandon() {
        complete();
    }

    private synchronized void complete() {
        future.complete(new Replies<>(replies, failures, expected));
    }
}
