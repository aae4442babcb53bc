package io.courier.grpc.internal;

import io.courier.grpc.MessageFormat;
import java.util.Optional;

/** The Protobuf mapping of records, when {@code courier-protobuf} is on the class path. */
final class ProtobufFormats {
    private ProtobufFormats() {
    }

    static Optional<MessageFormat> find() {
        return Optional.empty();
    }
}
