package io.courier.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.Interceptor;
import io.courier.UnavailableException;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.resilience.Retry;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Courier registering what it serves and clients finding it, over REST on loopback, with the static backend. */
class CourierDiscoveryTest {
    private final StaticDiscovery registry = StaticDiscovery.create();
    private final List<Courier> couriers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        couriers.forEach(Courier::close);
    }

    private Courier courier(String name, io.courier.discovery.Discovery discovery) {
        Courier c = Courier.builder().name(name).discovery(discovery).build();
        couriers.add(c);
        return c;
    }

    private Courier server(String name, Echo impl) {
        return courier(name, registry).serve(Echo.class, impl);
    }

    private Courier server(String name) {
        return server(name, () -> name);
    }

    /** An endpoint interceptor writing down where each attempt went. */
    private static Interceptor recordTargets(List<URI> into) {
        return (call, next) -> {
            into.add(call.target());
            return next.proceed(call);
        };
    }

    @Test
    void aServedServiceIsRegisteredAtItsUriWithItsMetadata() {
        Courier a = courier("echo-a", registry);
        Courier served = Courier.builder().name("echo-z").discovery(registry).instanceMetadata("zone", "eu-1").build();
        couriers.add(served);
        served.serve(Echo.class, () -> "z");
        a.serve(Echo.class, () -> "a");
        assertThat(registry.instances("echo")).extracting(i -> i.uris().get(0))
                .containsExactlyInAnyOrder(a.uri(), served.uri());
        ServiceInstance z = registry.instances("echo").stream().filter(i -> i.uris().contains(served.uri())).findFirst().orElseThrow();
        assertThat(z.zone()).isEqualTo("eu-1");
        assertThat(z.id()).startsWith("echo-z-" + ProcessHandle.current().pid() + "-");
        assertThat(z.health()).isEqualTo(ServiceInstance.Health.UP);
    }

    @Test
    void aClientWithoutATargetSpreadsItsCallsOverTheInstances() {
        server("a");
        server("b");
        Echo echo = courier("client", registry).client(Echo.class).loadBalancer(LoadBalancers.roundRobin()).build();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(echo.whoami());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
        assertThat(echo.toString()).isEqualTo("Echo client -> discovery:echo");
    }

    @Test
    void anInstanceThatClosesIsDeregisteredAndLeavesTheRotation() {
        server("a");
        Courier b = server("b");
        Courier client = courier("client", registry);
        Echo echo = client.client(Echo.class).target("discovery:echo").build();
        Await.until(Duration.ofSeconds(5), "two instances known", () -> client.discovered("echo").instances().size() == 2);
        b.close();
        assertThat(registry.instances("echo")).hasSize(1);
        for (int i = 0; i < 10; i++) {
            assertThat(echo.whoami()).isEqualTo("a");
        }
    }

    @Test
    void closingMarksDrainingThenDeregistersAfterTheDrain() {
        RecordingRegistry recording = new RecordingRegistry(registry, Duration.ofMillis(20));
        Courier c = courier("echo-r", recording).serve(Echo.class, () -> "r");
        Await.until(Duration.ofSeconds(5), "renewed twice",
                () -> recording.events.stream().filter(e -> e.startsWith("renew")).count() >= 2);
        c.close();
        List<String> events = recording.events.stream().filter(e -> !e.startsWith("renew")).toList();
        assertThat(events).containsExactly("register echo UP", "register echo DRAINING", "deregister echo");
        assertThat(registry.instances("echo")).isEmpty();
    }

    @Test
    void aRetryPicksAnotherEndpointAndEndpointInterceptorsSeeIt() {
        Courier failing = server("failing", () -> {
            throw new UnavailableException("overloaded");
        });
        Courier good = server("good");
        List<URI> attempts = new CopyOnWriteArrayList<>();
        Echo echo = courier("client", registry).client(Echo.class)
                .loadBalancer(LoadBalancers.roundRobin())
                .interceptor(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build())
                .endpointInterceptor(recordTargets(attempts))
                .build();
        for (int i = 0; i < 6; i++) {
            assertThat(echo.whoami()).isEqualTo("good");
        }
        assertThat(attempts).contains(failing.uri(), good.uri()).doesNotContain(URI.create("discovery:echo"));
    }

    @Test
    void ejectedEndpointsAreSkippedUnlessAllAre() {
        Courier a = server("a");
        server("b");
        Set<URI> ejected = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Echo echo = courier("client", registry).client(Echo.class).loadBalancer(LoadBalancers.roundRobin())
                .endpointHealth(ejected::contains).build();
        ejected.add(a.uri());
        for (int i = 0; i < 6; i++) {
            assertThat(echo.whoami()).isEqualTo("b");
        }
        ejected.addAll(registry.instances("echo").stream().map(i -> i.uris().get(0)).toList());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(echo.whoami());
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void drainingInstancesAreNotPicked() {
        Courier a = server("a");
        server("b");
        Courier client = courier("client", registry);
        Echo echo = client.client(Echo.class).loadBalancer(LoadBalancers.roundRobin()).build();
        ServiceInstance ia = registry.instances("echo").stream().filter(i -> i.uris().contains(a.uri())).findFirst().orElseThrow();
        registry.register(ia.withHealth(ServiceInstance.Health.DRAINING));
        for (int i = 0; i < 6; i++) {
            assertThat(echo.whoami()).isEqualTo("b");
        }
    }

    @Test
    void anExplicitTargetStillGoesStraightThere() {
        Courier a = server("a");
        server("b");
        Echo echo = courier("client", registry).client(Echo.class).target(a.uri()).build();
        for (int i = 0; i < 4; i++) {
            assertThat(echo.whoami()).isEqualTo("a");
        }
    }

    @Test
    void aSchemeNoInstanceServesLeavesNothingToCall() {
        server("a");
        Echo echo = courier("client", registry).client(Echo.class).target("discovery:echo?scheme=grpc").build();
        assertThatThrownBy(echo::whoami).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("echo: no instance to call");
    }

    @Test
    void whenTheRegistryFailsClientsKeepCallingTheLastKnownInstances() {
        RecordingRegistry flaky = new RecordingRegistry(registry, Duration.ofSeconds(1));
        server("a");
        Courier client = courier("client", flaky);
        Echo echo = client.client(Echo.class).build();
        assertThat(echo.whoami()).isEqualTo("a");
        ServiceView view = client.discovered("echo");
        try (LogCapture log = LogCapture.start()) {
            flaky.failWatches(new UnavailableException("registry down"));
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("Discovery of echo (recording): registry unreachable").contains("registry down");
        }
        assertThat(view.isStale()).isTrue();
        assertThat(view.staleSince()).isPresent();
        assertThat(view.lastError().orElseThrow()).hasMessage("registry down");
        assertThat(view.instances()).hasSize(1);
        assertThat(echo.whoami()).isEqualTo("a");
        server("b"); // the registry answers again
        Await.until(Duration.ofSeconds(5), "fresh again", () -> !view.isStale() && view.instances().size() == 2);
    }

    @Test
    void withoutATargetOrDiscoveryTheErrorSaysWhatToAdd() {
        String before = System.getProperty("courier.discovery");
        System.setProperty("courier.discovery", "none");
        try (Courier plain = Courier.builder().name("plain").build()) {
            assertThat(plain.discovery()).isEmpty();
            assertThatThrownBy(() -> plain.client(Echo.class).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Echo client: no target (expected: .target(\"http://host:port\")")
                    .hasMessageContaining("courier-discovery on the class path");
        } finally {
            if (before == null) {
                System.clearProperty("courier.discovery");
            } else {
                System.setProperty("courier.discovery", before);
            }
        }
    }

    @Test
    void withCourierDiscoveryOnTheClassPathTheLocalBackendIsTheDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String before = System.getProperty("courier.discovery.dir");
        System.setProperty("courier.discovery.dir", dir.toString());
        try (Courier server = Courier.builder().name("zero-setup").build();
             Courier client = Courier.builder().name("zero-setup-client").build()) {
            assertThat(server.discovery().orElseThrow().name()).isEqualTo("local");
            server.serve(Echo.class, () -> "zero");
            assertThat(client.client(Echo.class).build().whoami()).isEqualTo("zero");
        } finally {
            if (before == null) {
                System.clearProperty("courier.discovery.dir");
            } else {
                System.setProperty("courier.discovery.dir", before);
            }
        }
        assertThat(dir.resolve("echo")).isEmptyDirectory();
    }
}
