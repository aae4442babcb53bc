package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.InvalidArgumentException;

/**
 * A message that no attempt can handle: undecodable payload, a required header missing, a type
 * the consumer does not know. It goes to the dead-letter channel at once, with this message as
 * the reason.
 */
public final class PoisonMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    public PoisonMessageException(String reason) {
        super(reason, null, false, false);
    }

    /** The error a waiting caller gets for it. */
    public CourierException toError() {
        return new InvalidArgumentException(getMessage());
    }
}
