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

    /** Writes the bytes of a lease into {@code fileName} of {@code i}'s service directory, as a foreign writer may. */
    private Path writeAs(String fileName, ServiceInstance i, long pid, long pidStart, long renewedMillis) throws IOException {
        Path f = dir.resolve(i.service()).resolve(fileName);
        Files.createDirectories(f.getParent());
        Files.write(f, LeaseFormat.encode(new LeaseFormat.Lease(i, pid, pidStart, hostName(), renewedMillis)));
        return f;
    }

    /** Watches inventory until its list holds {@code ids}; returns the listener. */
    private RecordingListener watchUntil(Discovery d, String... ids) {
        RecordingListener l = new RecordingListener();
        d.watch("inventory", l);
        Await.until(Duration.ofSeconds(5), "inventory lists " + List.of(ids), () -> ids(l).equals(List.of(ids)),
                () -> "lists " + l.updates.stream().map(list -> list.stream().map(ServiceInstance::id).toList()).toList()
                        + ", errors " + l.errors);
        return l;
    }

    private static List<String> ids(RecordingListener l) {
        return l.last() == null ? null : l.last().stream().map(ServiceInstance::id).toList();
    }

    /** A backend on this test's directory whose leases outlive the test, so only what is tested removes them. */
    private LocalDiscovery longLeases() {
        return LocalDiscovery.builder().directory(dir).leaseTtl(Duration.ofMinutes(1)).build();
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
    void anEntryThatCannotBeReadHidesNoOtherLease() throws IOException {
        try (LocalDiscovery local = longLeases()) {
            local.register(inventory("a1"));
            Files.createDirectories(dir.resolve("inventory").resolve("x.lease")); // reading it fails: a directory

            RecordingListener l = watchUntil(local, "a1");
            local.register(inventory("a2"));
            Await.until(Duration.ofSeconds(5), "a later lease is seen", () -> List.of("a1", "a2").equals(ids(l)), l::toString);
            assertThat(l.errors).isEmpty();
        }
    }

    @Test
    void aPipeOrADeviceNamedLikeALeaseIsNotReadSoTheWatchGoesOn() throws Exception {
        LocalDiscovery local = longLeases(); // not closed: on failure its scanner is blocked for good
        local.register(inventory("a1"));
        Path inventory = dir.resolve("inventory");
        Path zero = Files.createSymbolicLink(inventory.resolve("zero.lease"), Path.of("/dev/zero")); // never ends
        Process mkfifo = new ProcessBuilder("mkfifo", inventory.resolve("pipe.lease").toString()).start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero(); // opening a pipe blocks until someone writes

        // Run where a blocked watch cannot hold up the test: it fails instead.
        RecordingListener l = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> watchUntil(local, "a1"));
        local.register(inventory("a2"));
        Await.until(Duration.ofSeconds(5), "a later lease is seen", () -> List.of("a1", "a2").equals(ids(l)), l::toString);
        local.close();
        Files.delete(zero);
    }

    @Test
    void aLeaseOverTheSizeBoundIsSkippedNotRead() throws IOException {
        writeLease(inventory("a1"), ProcessHandle.current().pid(), 0, System.currentTimeMillis());
        writeLease(inventory("big").withMetadata(Map.of("pad", "x".repeat(LeaseFormat.MAX_BYTES))),
                ProcessHandle.current().pid(), 0, System.currentTimeMillis());
        try (LocalDiscovery local = longLeases()) {
            RecordingListener l = watchUntil(local, "a1");
            assertThat(l.updates).allSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).doesNotContain("big"));
        }
    }

    @Test
    void aLeaseWithAUriThatNamesNoHostOrPortToCallIsSkipped() throws IOException {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        writeLease(inventory("a1"), pid, 0, now);
        for (String uri : List.of("http://127.0.0.1:0", "http://127.0.0.1:65536", "http://a_b:80", "http://:80", "http:opaque")) {
            ServiceInstance bad = ServiceInstance.of("inventory", "bad-" + Math.abs(uri.hashCode()), List.of(URI.create(uri)));
            writeLease(bad, pid, 0, now);
        }
        try (LocalDiscovery local = longLeases()) {
            RecordingListener l = watchUntil(local, "a1");
            assertThat(l.updates).allSatisfy(list -> assertThat(list).hasSize(1));
        }
    }

    @Test
    void aLeaseCountsOnlyInTheFileNamedAfterItsIdInItsServicesDirectory() throws Exception {
        LocalDiscovery local = longLeases();
        local.register(inventory("a1"));
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        writeAs("copy.lease", inventory("a1").withMetadata(Map.of("zone", "elsewhere")), pid, 0, now); // a second a1
        writeAs("b1.lease", ServiceInstance.of("billing", "b1", List.of(URI.create("http://127.0.0.1:9001"))), pid, 0, now);
        // A dead process's lease naming a live instance: deleting "its" lease must not delete a1's.
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Path stale = writeAs("stale.lease", inventory("a1"), p.pid(), p.info().startInstant().map(i -> i.toEpochMilli()).orElse(1L), now);

        RecordingListener l = watchUntil(local, "a1");
        assertThat(l.last().get(0).metadata()).isEmpty();
        // A lease registered after them is seen: the scans that followed left a1's lease alone.
        local.register(inventory("a2"));
        Await.until(Duration.ofSeconds(5), "a2 is seen", () -> List.of("a1", "a2").equals(ids(l)), l::toString);
        assertThat(dir.resolve("inventory").resolve("a1.lease")).exists();
        assertThat(stale).as("not a lease of its own name: not Courier's to delete").exists();
        assertThat(l.updates).allSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).startsWith("a1")
                .doesNotHaveDuplicates());
        local.close();
    }

    @Test
    void aRenewalTimeBeyondTheTtlInTheFutureIsNoRenewal() throws IOException {
        discovery.register(inventory("a1"));
        long pid = ProcessHandle.current().pid();
        writeLease(inventory("max"), pid, 0, Long.MAX_VALUE);
        writeLease(inventory("min"), pid, 0, Long.MIN_VALUE); // now - MIN overflows: it once read as fresh
        writeLease(inventory("hour"), pid, 0, System.currentTimeMillis() + 3_600_000);
        writeLease(inventory("soon"), pid, 0, System.currentTimeMillis() + 1_000); // within the TTL: a clock's step

        watchUntil(discovery, "a1", "soon");
        assertThat(((LocalDiscovery) discovery).entries("inventory")).extracting(e -> e.instance().id() + "=" + e.live())
                .containsExactly("a1=true", "hour=false", "max=false", "min=false", "soon=true");
    }

    @Test
    void readsAtMostTheBoundOfLeasesInAServicesDirectory() throws IOException {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        for (int n = 0; n <= LocalDiscovery.MAX_LEASES; n++) {
            writeLease(inventory("i" + n), pid, 0, now);
        }
        assertThat(((LocalDiscovery) discovery).entries("inventory")).hasSize(LocalDiscovery.MAX_LEASES);
    }

    @Test
    void refusesARenewIntervalNotUnderTheTtl() {
        assertThatThrownBy(() -> LocalDiscovery.builder().leaseTtl(Duration.ofSeconds(1)).renewInterval(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("renewInterval: PT1S (expected: < leaseTtl PT1S)");
    }

    @Test
    void garbageHugeFilesLinksAndDirectoriesNamedLikeLeasesAreSkippedSaidOnceAndHideNoOther() throws Exception {
        Path inventory = dir.resolve("inventory");
        Files.createDirectories(inventory);
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(inventory.resolve("garbage.lease"), garbage);
        Path huge = dir.resolve("huge.bin"); // 1 GiB, sparse: only the bound of it is read
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        Files.createSymbolicLink(inventory.resolve("huge.lease"), huge);
        Files.createSymbolicLink(inventory.resolve("dangling.lease"), dir.resolve("nothing-here"));
        Files.createDirectories(inventory.resolve("dir.lease"));
        Files.createSymbolicLink(inventory.resolve("linked-dir.lease"), dir);
        try (LocalDiscovery local = longLeases(); io.courier.test.LogCapture log = io.courier.test.LogCapture.start()) {
            local.register(inventory("a1"));
            RecordingListener l = watchUntil(local, "a1");
            local.register(inventory("a2"));
            Await.until(Duration.ofSeconds(5), "a later lease is seen", () -> List.of("a1", "a2").equals(ids(l)), l::toString);

            assertThat(l.errors).isEmpty();
            String skipping = "Local discovery: skipping " + inventory;
            assertThat(log.lines("WARN")).as("%s", log).extracting(line -> line.substring(line.indexOf(skipping)))
                    .containsExactlyInAnyOrder(
                    skipping + "/dangling.lease: a symbolic link to " + dir.resolve("nothing-here")
                            + ", which is not there (expected: a lease file)",
                    skipping + "/dir.lease: lease: not a regular file (expected: a file written by Courier)",
                    skipping + "/garbage.lease: lease: service: missing (expected: a lease written by Courier)",
                    skipping + "/huge.lease: lease: 65537 bytes (expected: at most 65536)",
                    skipping + "/linked-dir.lease: lease: not a regular file (expected: a file written by Courier)");
        }
    }
}
