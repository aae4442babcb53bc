package io.courier.grpc.internal;

import io.courier.Limits;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.grpc.MessageFormat;
import io.courier.spi.Codec;
import java.util.Optional;

/**
 * {@code application/grpc+json}: the messages in JSON through the {@code Courier}'s
 * {@code application/json} codec, shaped as the Protobuf messages are, so the JSON reads as
 * Protobuf's JSON mapping of the same call would.
 */
final class JsonFormat implements MessageFormat {
    private final Codec json;
    private final JsonMembers members;

    JsonFormat(Codec json, Limits limits) {
        this.json = json;
        this.members = new JsonMembers(limits);
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public Optional<MessageCodec> codec(ServiceDescriptor service, MethodDescriptor method) {
        return json == null ? Optional.empty() : Optional.of(new JsonMethodCodec(json, members, method));
    }
}
