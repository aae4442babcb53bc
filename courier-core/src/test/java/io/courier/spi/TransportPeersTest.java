package io.courier.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every transport of a Courier is shown all of them once, before anything serves. */
class TransportPeersTest {
    /** A transport that only records the peers it is shown. */
    private static final class Recording implements Transport {
        final String name;
        final List<List<Transport>> shown = new ArrayList<>();

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<String> schemes() {
            return Set.of(name);
        }

        @Override
        public ClientTransport client() {
            throw new UnsupportedOperationException("no client in this test");
        }

        @Override
        public Optional<ServerTransport> server() {
            return Optional.empty();
        }

        @Override
        public void peers(List<Transport> transports) {
            shown.add(transports);
        }

        @Override
        public void close() {
        }
    }

    private static TransportFactory factory(Recording t) {
        return new TransportFactory() {
            @Override
            public String name() {
                return t.name;
            }

            @Override
            public Transport create(TransportContext context) {
                return t;
            }
        };
    }

    @Test
    void eachTransportSeesAllOnce() {
        Recording a = new Recording("a");
        Recording b = new Recording("b");
        try (Courier courier = Courier.builder().transport(factory(a)).transport(factory(b)).build()) {
            assertThat(courier).isNotNull(); // built for what its transports were shown
            assertThat(a.shown).hasSize(1);
            assertThat(b.shown).containsExactly(a.shown.get(0));
            assertThat(a.shown.get(0)).contains(a, b).extracting(Transport::name).containsExactly("in-process", "a", "b");
        }
    }
}
