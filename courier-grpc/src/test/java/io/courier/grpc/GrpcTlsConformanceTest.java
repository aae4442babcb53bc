package io.courier.grpc;

import io.courier.Courier;
import io.courier.Tls;
import io.courier.http.HttpTransportFactory;
import io.courier.test.TestCertificates;
import io.courier.test.conformance.TransportConformanceSuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The transport conformance suite over mutual TLS ({@code grpcs://}): JSON on gRPC's own port,
 * Protobuf on gRPC's own port, and Protobuf on the REST server's port (courier-http present).
 * Server and client present certificates of one test CA and trust only it; the server requires
 * the client's. The Protobuf runs skip the four tests proto3 cannot pass, as
 * {@link GrpcProtoConformanceTest} does.
 */
class GrpcTlsConformanceTest extends TransportConformanceSuite {
    static final Tls MUTUAL = mutualTls();

    static Tls mutualTls() {
        try {
            TestCertificates.Files pki = TestCertificates.writeFiles(Files.createTempDirectory("courier-grpc-tls"));
            return Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca())
                    .clientAuth(Tls.ClientAuth.REQUIRE).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static URI grpcs(Courier server) {
        return server.uris().stream().filter(u -> u.getScheme().equals("grpcs")).findFirst().orElseThrow();
    }

    /** JSON messages ({@code application/grpc+json}) over TLS. */
    @Override
    protected Courier.Builder configure(Courier.Builder builder) {
        return builder.tls(MUTUAL).transport(GrpcTransportFactory.builder().preferJson(true).build());
    }

    @Override
    protected URI target(Courier server) {
        return grpcs(server);
    }

    /** Protobuf messages over TLS on gRPC's own port. */
    @Nested
    @ExtendWith(GrpcProtoConformanceTest.NullsNeedPresence.class)
    class Proto extends TransportConformanceSuite {
        @Override
        protected Courier.Builder configure(Courier.Builder builder) {
            return builder.tls(MUTUAL).transport(GrpcTransportFactory.builder().build());
        }

        @Override
        protected URI target(Courier server) {
            return grpcs(server);
        }
    }

    /** gRPC on the REST server's TLS port, which negotiates h2 by ALPN for it. */
    @Nested
    @ExtendWith(GrpcProtoConformanceTest.NullsNeedPresence.class)
    class SharedPort extends TransportConformanceSuite {
        @Override
        protected Courier.Builder configure(Courier.Builder builder) {
            return builder.tls(MUTUAL).transport(HttpTransportFactory.builder().build())
                    .transport(GrpcTransportFactory.builder().build());
        }

        @Override
        protected URI target(Courier server) {
            return grpcs(server);
        }
    }
}
