package io.courier.messaging.internal;

import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;

/**
 * Where a group's dead letters go, and how they are replayed: sent again to the channel they
 * failed on, marked for the group that failed them, so the channel's other groups, which
 * handled them already, skip them.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    /** The dead-letter channel of {@code group} on {@code channel}. */
    public static String channel(String channel, String group) {
        return channel + "." + group + ".dead-letter";
    }

    /** The dead letter {@code dead} made ready to send again to where it failed. */
    public static Message replay(Message dead) {
        String channel = dead.headers().get(MessageHeaders.DEAD_LETTER_CHANNEL).orElseThrow(() ->
                new IllegalArgumentException("header " + MessageHeaders.DEAD_LETTER_CHANNEL + ": missing on " + dead
                        + " (expected: a message from a dead-letter channel)"));
        String group = dead.headers().get(MessageHeaders.DEAD_LETTER_GROUP).orElse(null);
        var headers = dead.headers().without(MessageHeaders.DEAD_LETTER_REASON)
                .without(MessageHeaders.DEAD_LETTER_ATTEMPTS).without(MessageHeaders.DEAD_LETTER_CHANNEL)
                .without(MessageHeaders.DEAD_LETTER_GROUP);
        if (group != null) {
            headers = headers.withOnly(MessageHeaders.REPLAY_GROUP, group);
        }
        return dead.toBuilder().channel(channel).headers(headers).build();
    }
}
