package io.courier.grpc.interop;

import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A unary method of a Courier contract called by stock grpc-java with the request and reply as
 * raw bytes: for messages no generated class would write (hostile numbers, missing fields).
 */
public final class RawUnary {
    /** Messages as raw bytes, both ways. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final MethodDescriptor<byte[], byte[]> rpc;

    private RawUnary(MethodDescriptor<byte[], byte[]> rpc) {
        this.rpc = rpc;
    }

    /** The method {@code name} of {@code contract}, on the path Courier serves it. */
    public static RawUnary of(Class<?> contract, String name) {
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        String path = GrpcNames.path(service, service.method(name).orElseThrow());
        return new RawUnary(MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(path.substring(1)).setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build());
    }

    /**
     * The reply's bytes.
     *
     * @throws io.grpc.StatusRuntimeException with the status the server answered
     */
    public byte[] call(Channel channel, Duration deadline, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, rpc,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS), request);
    }
}
