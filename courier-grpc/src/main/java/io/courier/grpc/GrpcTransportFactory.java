package io.courier.grpc;

import io.courier.grpc.internal.GrpcTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code grpc} transport: serves every contract of a {@code Courier} as a gRPC service
 * (see {@link GrpcNames}) over HTTP/2 cleartext and gRPC-Web (HTTP/1.1 or HTTP/2), with the
 * standard health and reflection services, and calls {@code grpc://host:port} targets, Courier
 * servers or any other gRPC server. When the same {@code Courier} has {@code courier-http}, gRPC
 * answers on the REST server's port (requests with {@code content-type: application/grpc*}),
 * else on a port of its own. Found by {@link java.util.ServiceLoader} when
 * {@code courier-grpc} is on the class path; immutable and thread-safe. With
 * {@code Courier.builder().tls(...)} ({@link io.courier.Tls}) the server speaks TLS (its URI is
 * {@code grpcs://}) and clients call {@code grpcs://host:port} targets over TLS.
 *
 * <pre>{@code
 * Courier courier = Courier.builder().transport(GrpcTransportFactory.builder().build()).build();
 * Orders orders = courier.client(Orders.class).target(URI.create("grpc://127.0.0.1:9090")).build();
 * }</pre>
 *
 * <p>Messages are JSON ({@code application/grpc+json}, through the {@code Courier}'s
 * {@code application/json} codec) or Protobuf ({@code application/grpc},
 * {@code application/grpc+proto}); a client sends Protobuf when the method has a Protobuf
 * mapping, else JSON.
 */
public final class GrpcTransportFactory implements TransportFactory {
    /** The transport's name, and the URI scheme of its targets. */
    public static final String NAME = GrpcTransport.NAME;

    private final List<MessageFormat> formats;
    private final boolean preferJson;

    /** The default configuration; what {@link java.util.ServiceLoader} creates. */
    public GrpcTransportFactory() {
        this(new Builder());
    }

    private GrpcTransportFactory(Builder b) {
        this.formats = List.copyOf(b.formats);
        this.preferJson = b.preferJson;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create(TransportContext context) {
        return new GrpcTransport(context, formats, preferJson);
    }

    /** Builds a {@link GrpcTransportFactory}; not thread-safe. */
    public static final class Builder {
        private final List<MessageFormat> formats = new ArrayList<>();
        private boolean preferJson;

        private Builder() {
        }

        /** A message format that replaces the built-in one of the same {@link MessageFormat#name()}. */
        public Builder format(MessageFormat format) {
            formats.add(Objects.requireNonNull(format, "format"));
            return this;
        }

        /** Whether clients send JSON even where Protobuf could carry the call (default false). */
        public Builder preferJson(boolean preferJson) {
            this.preferJson = preferJson;
            return this;
        }

        /** The factory. */
        public GrpcTransportFactory build() {
            return new GrpcTransportFactory(this);
        }
    }
}
