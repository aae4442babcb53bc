package io.courier.grpc;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.util.Optional;

/**
 * One gRPC message format, named by the content-type suffix it is sent with: {@code proto}
 * ({@code application/grpc} and {@code application/grpc+proto}) or {@code json}
 * ({@code application/grpc+json}). The seam through which a Protobuf mapping plugs into the
 * transport. Must be thread-safe.
 *
 * <pre>{@code
 * Courier.builder().transport(GrpcTransportFactory.builder().format(myFormat).build())
 * }</pre>
 */
public interface MessageFormat {
    /** The content-type suffix: {@code proto} or {@code json}. */
    String name();

    /**
     * The codec for {@code method}'s messages, or empty when this format cannot carry them
     * (the call is then answered {@code UNIMPLEMENTED}, naming what to add).
     */
    Optional<MessageCodec> codec(ServiceDescriptor service, MethodDescriptor method);
}
