package io.courier.test;

import io.courier.Courier;
import io.courier.test.conformance.TransportConformanceSuite;
import java.net.URI;

/** The in-process transport passes the conformance suite (through the codec when one is on the class path). */
class InProcessConformanceTest extends TransportConformanceSuite {
    @Override
    protected URI target(Courier server) {
        return inProcessUri(server);
    }
}
