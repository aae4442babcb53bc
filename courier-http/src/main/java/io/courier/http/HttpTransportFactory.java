package io.courier.http;

import io.courier.http.internal.HttpTransport;
import io.courier.http.internal.ServerSettings;
import io.courier.spi.ServerTransport;
import java.util.Objects;
import java.util.Optional;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;

/**
 * The REST transport on Vert.x, named {@code http}: serves every contract over HTTP/1.1 and
 * HTTP/2 cleartext (prior knowledge and {@code Upgrade: h2c}) on one port, and calls targets
 * {@code http://host:port} (HTTP/1.1) and {@code h2c://host:port} (HTTP/2 without TLS) with
 * pooled connections. Bodies use the codec negotiated from {@code Content-Type} and
 * {@code Accept} (JSON by default); errors travel as {@code application/problem+json}
 * (RFC 9457) with Courier's status code.
 *
 * <p>With {@code Courier.builder().tls(...)} ({@link io.courier.Tls}) the server speaks TLS only
 * ({@code https://}: HTTP/2 or HTTP/1.1 by ALPN), and clients call {@code https://host:port}
 * (HTTP/1.1) and {@code h2://host:port} (HTTP/2 by ALPN) targets over TLS.
 *
 * <p>{@code Courier} finds this factory on the class path or module path by itself, so adding
 * {@code courier-http} is enough:
 *
 * <pre>{@code
 * Courier courier = Courier.builder().build();                    // finds courier-http
 * courier.serve(OrderService.class, new OrderServiceImpl());      // http://127.0.0.1:<port>
 * OrderService orders = courier.client(OrderService.class).target("h2c://127.0.0.1:8080").build();
 * }</pre>
 *
 * <p>Each {@code Courier} gets its own transport, with its own Vert.x instance (event loops,
 * one server, one HTTP/1.1 and one HTTP/2 connection pool), closed with the {@code Courier}.
 * Thread-safe and immutable; the public constructor is for {@link java.util.ServiceLoader}, {@link #builder()}
 * configures (CORS: {@link Cors}).
 */
public final class HttpTransportFactory implements TransportFactory {
    /** The name of this transport. */
    public static final String NAME = "http";

    private final ServerSettings settings;

    /** The default configuration (no CORS); what {@link java.util.ServiceLoader} creates. */
    public HttpTransportFactory() {
        this(ServerSettings.DEFAULT);
    }

    private HttpTransportFactory(ServerSettings settings) {
        this.settings = settings;
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
        return new HttpTransport(context, settings);
    }

    /**
     * Attaches {@code router} ({@link HttpRequestRouter}) to {@code transport} when it is {@code courier-http}'s.
     *
     * @return the REST server whose port the router now shares (its {@link ServerTransport#localAddress()}
     *         is that port once started), or empty when {@code transport} is another one
     */
    public static Optional<ServerTransport> attach(Transport transport, HttpRequestRouter router) {
        Objects.requireNonNull(router, "router");
        if (transport instanceof HttpTransport http) {
            http.route(router);
            return http.server();
        }
        return Optional.empty();
    }

    /** Builds an {@link HttpTransportFactory}; not thread-safe. */
    public static final class Builder {
        private Cors cors;
        private boolean compression = true;
        private boolean openApi = true;
        private boolean contracts = true;
        private ServerLimits limits = ServerLimits.defaults();

        private Builder() {
        }

        /** The cross-origin policy of the server, for REST and for gRPC-Web on its port (default: none). */
        public Builder cors(Cors cors) {
            this.cors = Objects.requireNonNull(cors, "cors");
            return this;
        }

        /**
         * Whether the server gzips (or deflates) response bodies over 1 KiB for clients whose
         * {@code Accept-Encoding} asks for it (default true).
         */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Whether the server describes its contracts in OpenAPI 3.1 at {@code /openapi.json} and
         * {@code /openapi.yaml} (default true; a contract route of the same path wins).
         */
        public Builder openApi(boolean openApi) {
            this.openApi = openApi;
            return this;
        }

        /**
         * Whether the server serves each contract's schema files at
         * {@code /contracts/<service>.<extension>}, one per {@link io.courier.spi.ContractExporter} on
         * the class or module path: {@code .proto} with courier-protobuf, {@code .avsc} with
         * courier-avro (default true; a contract route of the same path wins).
         */
        public Builder contracts(boolean contracts) {
            this.contracts = contracts;
            return this;
        }

        /**
         * How much of the server one client can hold: request read and idle timeouts, connections,
         * HTTP/2 streams (default {@link ServerLimits#defaults()}; see {@code docs/server-protection.md}).
         */
        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The factory. */
        public HttpTransportFactory build() {
            return new HttpTransportFactory(new ServerSettings(Optional.ofNullable(cors), compression, openApi,
                    contracts, limits));
        }
    }
}
