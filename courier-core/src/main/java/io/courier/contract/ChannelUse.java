package io.courier.contract;

import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;

/**
 * One way a service uses a message channel: what it sends or receives there, in which role, with
 * what payload. A {@code Messaging} lists the uses it has seen ({@link io.courier.spi.ChannelCatalog}),
 * which is what an AsyncAPI description of the service is made from.
 *
 * @param channel   the channel's name
 * @param kind      the role
 * @param operation the contract method of a command ({@code service.method}), else the kind's own name
 * @param payload   the type of the messages sent or received
 * @param reply     the type of the reply, for commands that answer and scatter-gather requests
 * @param group     the subscriber group, for the receiving kinds
 */
public record ChannelUse(String channel, Kind kind, String operation, Type payload, Optional<Type> reply,
                         Optional<String> group) {
    /** The roles of a service on a channel. */
    public enum Kind {
        /** Publishes events. */
        PUBLISH,
        /** Handles events as a member of a group. */
        SUBSCRIBE,
        /** Sends commands (and receives their replies, when they have one). */
        SEND_COMMAND,
        /** Handles commands (and replies, when they have a result). */
        HANDLE_COMMAND,
        /** Publishes scatter-gather requests and gathers the replies. */
        SCATTER,
        /** Answers scatter-gather requests. */
        RESPOND;

        /** Whether the service sends on the channel in this role (else it receives). */
        public boolean sends() {
            return this == PUBLISH || this == SEND_COMMAND || this == SCATTER;
        }
    }

    /** Checks the values. */
    public ChannelUse {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(group, "group");
    }
}
