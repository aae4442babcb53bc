package io.courier.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListInstancesTest {
    @TempDir
    Path dir;

    private String print(LocalDiscovery local, String service) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ListInstances.print(local, service, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsInstancesWithHealthAndLease() {
        try (LocalDiscovery local = LocalDiscovery.builder().directory(dir).build()) {
            local.register(ServiceInstance.of("inventory", "inv-1", List.of(URI.create("http://127.0.0.1:8081")))
                    .withMetadata(Map.of("zone", "eu-1")));
            local.register(ServiceInstance.of("billing", "bil-1", List.of(URI.create("http://127.0.0.1:8082")))
                    .withHealth(ServiceInstance.Health.DRAINING));
            String all = print(local, "");
            assertThat(all.lines().findFirst().orElseThrow()).startsWith("SERVICE").contains("HEALTH", "LEASE", "URIS");
            assertThat(all).contains("billing", "DRAINING", "inventory", "inv-1", "UP", "live", "http://127.0.0.1:8081", "eu-1");
            String one = print(local, "inventory");
            assertThat(one).contains("inv-1").doesNotContain("bil-1");
            assertThat(print(local, "nothing")).startsWith("No instances of nothing registered in " + dir);
        }
    }
}
