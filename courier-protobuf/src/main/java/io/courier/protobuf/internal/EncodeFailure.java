package io.courier.protobuf.internal;

import io.courier.InternalException;

/**
 * A value that cannot be written (a null element, a null map key, an instant out of the
 * Timestamp range). The value was produced by the program, not the caller, so it is raised as
 * an {@link InternalException}.
 */
final class EncodeFailure {
    private EncodeFailure() {
    }

    static InternalException of(String where, String problem) {
        return new InternalException("protobuf: cannot encode " + where + ": " + problem);
    }
}
