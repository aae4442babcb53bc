package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.messaging.Message;
import io.courier.messaging.Replies;
import io.courier.spi.Codec;
import java.util.concurrent.CompletableFuture;

/** Publish/async responses: one request published, its replies gathered on the caller's reply channel. */
public final class Scatter {
    private Scatter() {
    }

    public static <R> CompletableFuture<Replies<R>> send(MessagingRuntime rt, ReplyRouter replies, Object request,
                                                         String channel, Class<R> replyType, int expected,
                                                         Deadline deadline) {
        Codec codec = rt.codec();
        Message message = Message.builder().channel(channel).type(TypedConsumer.typeName(request.getClass()))
                .source(rt.name).replyTo(replies.channel()).deadline(deadline).contentType(codec.mediaType())
                .payload(codec.encode(request, request.getClass())).build();
        Gathering<R> gathering = new Gathering<>(replies, rt, message.id(), replyType, expected);
        replies.await(gathering, deadline);
        try {
            rt.send(message);
        } catch (CourierException e) {
            if (replies.finish(gathering)) {
                gathering.future.completeExceptionally(e);
            }
        }
        return gathering.future;
    }
}
