package io.courier.http;

import io.courier.Courier;
import io.courier.Tls;
import io.courier.test.TestCertificates;
import io.courier.test.conformance.TransportConformanceSuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import org.junit.jupiter.api.Nested;

/**
 * The transport conformance suite over mutual TLS: HTTP/1.1 ({@code https://}) and HTTP/2
 * negotiated by ALPN ({@code h2://}). Server and client present certificates of one test CA and
 * trust only it; the server requires the client's.
 */
class HttpTlsConformanceTest extends TransportConformanceSuite {
    static final Tls MUTUAL = mutualTls();

    static Tls mutualTls() {
        try {
            TestCertificates.Files pki = TestCertificates.writeFiles(Files.createTempDirectory("courier-tls"));
            return Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca())
                    .clientAuth(Tls.ClientAuth.REQUIRE).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Courier.Builder configure(Courier.Builder builder) {
        return builder.tls(MUTUAL);
    }

    @Override
    protected URI target(Courier server) {
        return server.uri();
    }

    /** The same suite with HTTP/2 over TLS on the same port. */
    @Nested
    class H2 extends TransportConformanceSuite {
        @Override
        protected Courier.Builder configure(Courier.Builder builder) {
            return builder.tls(MUTUAL);
        }

        @Override
        protected URI target(Courier server) {
            return withScheme(server.uri(), "h2");
        }
    }
}
