package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.messaging.Message;

/** What a consumer does with one message; the consumer around it takes care of order, retries and dead letters. */
public interface Processor {
    /**
     * Handles {@code message}. Returning means done; {@link PoisonMessageException} means the
     * message can never be handled (dead-letter it now); any other exception means try again.
     */
    void process(Message message) throws Exception;

    /** The consumer gave up on {@code message} (dead-lettered it): a chance to tell a waiting caller. */
    default void gaveUp(Message message, CourierException error) {
    }
}
