package io.courier.discovery.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.discovery.Discovery;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.test.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiscoveryTest extends DiscoveryConformance {
    @TempDir
    Path dir;

    @Override
    protected Discovery create() {
        return LocalDiscovery.builder().directory(dir).build();
    }

    private static ServiceInstance inventory(String id) {
        return ServiceInstance.of("inventory", id, List.of(URI.create("http://127.0.0.1:9000")));
    }

    /** Writes a lease as another process would have. */
    private void writeLease(ServiceInstance i, long pid, long pidStart, long renewedMillis) throws IOException {
        Path f = dir.resolve(i.service()).resolve(i.id() + ".lease");
        Files.createDirectories(f.getParent());
        Files.write(f, LeaseFormat.encode(new LeaseFormat.Lease(i, pid, pidStart, hostName(), renewedMillis)));
    }

    private static String hostName() throws IOException {
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    @Test
    void aLeaseIsAFileNamedAfterTheInstanceInTheServicesDirectory() throws IOException {
        discovery.register(inventory("a1").withMetadata(Map.of("zone", "z1")));
        Path f = dir.resolve("inventory").resolve("a1.lease");
        assertThat(f).exists();
        assertThat(Files.readString(f)).contains("service=inventory", "id=a1", "meta.zone=z1",
                "pid=" + ProcessHandle.current().pid());
        discovery.deregister(inventory("a1"));
        assertThat(f).doesNotExist();
    }

    @Test
    void aLeaseOfAProcessThatIsGoneIsDeadAtOnceAndRemoved() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).start();
        long pid = p.pid();
        long start = p.info().startInstant().orElseThrow().toEpochMilli();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        writeLease(inventory("dead"), pid, start, System.currentTimeMillis());
        discovery.register(inventory("alive"));

        RecordingListener l = new RecordingListener();
        discovery.watch("inventory", l);
        Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last() != null && l.last().size() == 1, l::toString);
        assertThat(l.last().get(0).id()).isEqualTo("alive");
        Await.until(Duration.ofSeconds(5), "the dead process's lease is deleted",
                () -> !Files.exists(dir.resolve("inventory").resolve("dead.lease")));
    }

    @Test
    void aLeaseNotRenewedWithinTheTtlExpires() throws Exception {
        try (LocalDiscovery shortLeases = LocalDiscovery.builder().directory(dir).leaseTtl(Duration.ofMillis(300))
                .renewInterval(Duration.ofMillis(100)).scanInterval(Duration.ofMillis(50)).build()) {
            // This process is alive, so only the lease's age can expire it.
            writeLease(inventory("hung"), ProcessHandle.current().pid(), 0, System.currentTimeMillis());
            RecordingListener l = new RecordingListener();
            shortLeases.watch("inventory", l);
            Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last() != null && l.last().size() == 1, l::toString);
            Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last().isEmpty(), l::toString);
            assertThat(l.errors).isEmpty();
        }
    }

    @Test
    void anUnreadableDirectoryIsAnErrorNotAnEmptyList() throws IOException {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        try (LocalDiscovery broken = LocalDiscovery.builder().directory(file).build()) {
            RecordingListener l = new RecordingListener();
            broken.watch("inventory", l);
            Await.until(Duration.ofSeconds(5), "the expected state", () -> !l.errors.isEmpty(), l::toString);
            assertThat(l.updates).isEmpty();
        }
    }

    @Test
    void listsEveryLeaseWithWhetherItIsLive() throws IOException {
        discovery.register(inventory("a1"));
        writeLease(inventory("old"), ProcessHandle.current().pid(), 0, System.currentTimeMillis() - 60_000);
        List<LocalDiscovery.Entry> entries = ((LocalDiscovery) discovery).entries("");
        assertThat(entries).extracting(e -> e.instance().id() + "=" + e.live()).containsExactly("a1=true", "old=false");
    }

    @Test
    void refusesARenewIntervalNotUnderTheTtl() {
        assertThatThrownBy(() -> LocalDiscovery.builder().leaseTtl(Duration.ofSeconds(1)).renewInterval(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("renewInterval: PT1S (expected: < leaseTtl PT1S)");
    }
}
