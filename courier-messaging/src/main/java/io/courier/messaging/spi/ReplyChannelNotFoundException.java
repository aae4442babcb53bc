package io.courier.messaging.spi;

import io.courier.NotFoundException;

/**
 * How a broker refuses a reply (a message with a {@code courier-status} header) to a channel
 * that does not exist: a reply never creates its channel, since the requester created it and a
 * reply nobody reads would only stay behind. {@code Messaging} then drops the reply, logs it and
 * counts it as a dropped reply. Not retry-safe.
 */
public class ReplyChannelNotFoundException extends NotFoundException {
    private static final long serialVersionUID = 1L;

    /** A refusal of a reply to {@code channel}. */
    public ReplyChannelNotFoundException(String channel) {
        super("reply channel " + (channel.length() > 200 ? channel.substring(0, 200) + "..." : channel)
                + " does not exist (expected: the reply channel of a requester, which creates it)");
    }
}
