package io.courier.http;

import io.courier.Courier;
import io.courier.test.conformance.TransportConformanceSuite;
import java.net.URI;
import org.junit.jupiter.api.Nested;

/** The REST transport passes the shared transport conformance suite over HTTP/1.1 and over h2c. */
class HttpConformanceTest extends TransportConformanceSuite {
    @Override
    protected URI target(Courier server) {
        return server.uri();
    }

    /** The same suite with HTTP/2 prior knowledge on the same port. */
    @Nested
    class H2c extends TransportConformanceSuite {
        @Override
        protected URI target(Courier server) {
            return withScheme(server.uri(), "h2c");
        }
    }
}
