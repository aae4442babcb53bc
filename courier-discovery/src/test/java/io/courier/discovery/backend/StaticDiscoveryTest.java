package io.courier.discovery.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.discovery.Discovery;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.discovery.ServiceInstance;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticDiscoveryTest extends DiscoveryConformance {
    @Override
    protected Discovery create() {
        return StaticDiscovery.create();
    }

    @Test
    void parsesConfiguredAddresses() {
        StaticDiscovery d = StaticDiscovery.parse("inventory=http://10.0.0.1:8080, http://10.0.0.2:8080;billing=h2c://10.0.0.3:9000\n");
        assertThat(d.instances("inventory")).extracting(i -> i.uris().get(0))
                .containsExactly(URI.create("http://10.0.0.1:8080"), URI.create("http://10.0.0.2:8080"));
        assertThat(d.instances("billing")).extracting(ServiceInstance::id).containsExactly("static-0");
    }

    @Test
    void refusesEntriesThatAreNotServiceEqualsUris() {
        assertThatThrownBy(() -> StaticDiscovery.parse("inventory http://10.0.0.1:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("static discovery entry: \"inventory http://10.0.0.1:8080\" (expected: service=uri,uri,...)");
        assertThatThrownBy(() -> StaticDiscovery.parse("inventory=10.0.0.1:8080"))
                .hasMessageContaining("(expected: an absolute URI with a host and a port in 1..65535, or none,");
    }

    @Test
    void refusesUrisThatNameNoHostOrPortToCall() {
        for (String uri : List.of("http://:8080", "http://a_b:8080", "http://10.0.0.1:0", "http://10.0.0.1:65536", "mailto:a@b")) {
            assertThatThrownBy(() -> StaticDiscovery.parse("inventory=" + uri)).as(uri)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("static discovery uri: \"" + uri + "\" (expected: an absolute URI with a host");
            assertThatThrownBy(() -> StaticDiscovery.of("inventory", List.of(URI.create(uri)))).as(uri)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(StaticDiscovery.parse("inventory=http://inventory.internal").instances("inventory"))
                .extracting(i -> i.uris().get(0)).containsExactly(URI.create("http://inventory.internal"));
    }
}
