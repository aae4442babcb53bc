package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.spi.Codec;
import io.courier.test.conformance.Payload;
import io.courier.test.conformance.TransportConformanceSuite;
import java.net.URI;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The in-process transport passes the conformance suite: through the JSON codec in the default
 * test run, and by reference in the run without any codec (see this module's pom).
 */
class InProcessConformanceTest extends TransportConformanceSuite {
    @Override
    protected URI target(Courier server) {
        return inProcessUri(server);
    }

    @Test
    void valuesAreCopiedThroughTheCodecWhenThereIsOne() {
        boolean codec = ServiceLoader.load(Codec.class).findFirst().isPresent();
        Payload sent = Payload.sample(9);

        Payload received = client().echo(sent);

        assertThat(received).isEqualTo(sent);
        if (codec) {
            assertThat(received).isNotSameAs(sent);
        } else {
            assertThat(received).isSameAs(sent);
        }
    }
}
