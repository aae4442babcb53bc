package io.courier.contracts.internal;

import io.courier.contracts.Direction;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who writes a value: the client (a request, a command it sends), the server (a response, an
 * event it publishes), or either, when a schema file does not say (a message no rpc uses, an
 * Avro schema).
 */
enum Flow {
    REQUEST, RESPONSE, EITHER;

    /**
     * The directions in which a reader of one version reads what the other wrote:
     * {@code oldWrites} when the old version writes and the new one reads.
     */
    Set<Direction> when(boolean oldWrites) {
        return switch (this) {
            case REQUEST -> EnumSet.of(oldWrites ? Direction.OLD_CLIENT_NEW_SERVER : Direction.NEW_CLIENT_OLD_SERVER);
            case RESPONSE -> EnumSet.of(oldWrites ? Direction.NEW_CLIENT_OLD_SERVER : Direction.OLD_CLIENT_NEW_SERVER);
            case EITHER -> EnumSet.allOf(Direction.class);
        };
    }
}
