package io.courier.grpc;

import io.courier.grpc.internal.GrpcTransport;
import io.courier.http.Cors;
import io.courier.http.HttpTransportFactory;
import io.courier.http.ServerLimits;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code grpc} transport: serves every contract of a {@code Courier} as a gRPC service
 * (see {@link GrpcNames}) over HTTP/2 cleartext and gRPC-Web (HTTP/1.1 or HTTP/2), with the
 * standard health and reflection services, and calls {@code grpc://host:port} targets, Courier
 * servers or any other gRPC server. When the same {@code Courier} serves REST too
 * ({@link HttpTransportFactory}, found with it by default), gRPC answers on the REST server's port
 * (requests with {@code content-type: application/grpc*}) under that server's limits; else on a
 * port of its own, served by courier-http's server alone (no REST routes, no HTTP client), under
 * the {@link Builder#limits limits} and {@link Builder#cors cross-origin policy} set here, where
 * courier-observability's scrape and probes answer too when the {@code Courier} has them. Found by
 * {@link java.util.ServiceLoader} when
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
    /** The limits and cross-origin policy of a port of gRPC's own (courier-http's server with no REST routes). */
    private final ServerLimits limits;
    private final Optional<Cors> cors;

    /** The default configuration; what {@link java.util.ServiceLoader} creates. */
    public GrpcTransportFactory() {
        this(new Builder());
    }

    private GrpcTransportFactory(Builder b) {
        this.formats = List.copyOf(b.formats);
        this.preferJson = b.preferJson;
        this.limits = b.limits;
        this.cors = Optional.ofNullable(b.cors);
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
        return new GrpcTransport(context, formats, preferJson, limits, cors);
    }

    /** Builds a {@link GrpcTransportFactory}; not thread-safe. */
    public static final class Builder {
        private final List<MessageFormat> formats = new ArrayList<>();
        private boolean preferJson;
        private ServerLimits limits = ServerLimits.defaults();
        private Cors cors;

        private Builder() {
        }

        /**
         * Timeouts, connections and HTTP/2 streams of gRPC's own port, for the scrape and probes
         * served there too (default
         * {@link ServerLimits#defaults()}; see {@code docs/server-protection.md}). On the REST
         * server's port, that server's limits apply instead.
         */
        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * The cross-origin policy of gRPC's own port, for gRPC-Web from browsers and the scrape and
         * probes served there (default: none).
         * On the REST server's port, that server's policy applies instead.
         */
        public Builder cors(Cors cors) {
            this.cors = Objects.requireNonNull(cors, "cors");
            return this;
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
