package io.courier.discovery.backend;

import io.courier.UnavailableException;
import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.discovery.internal.LeaseFormat.Lease;
import io.courier.discovery.internal.SkippedEntries;
import io.courier.discovery.internal.Watchers;
import io.courier.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-setup discovery for one machine: every instance writes a lease file into a shared
 * directory ({@code <dir>/<service>/<id>.lease}), renews it by heartbeat and deletes it when it
 * closes; resolvers watch the directory ({@link WatchService}, plus a rescan every
 * {@linkplain Builder#scanInterval scan interval}). Works across processes with no server to
 * run. A lease is live while it was renewed within the {@linkplain Builder#leaseTtl TTL} and,
 * on this host, while the process that wrote it still runs, so an instance killed with
 * {@code kill -9} disappears at the next rescan rather than when its lease runs out.
 *
 * <pre>{@code
 * Courier courier = Courier.builder().name("inventory").discovery(LocalDiscovery.create()).build();
 * }</pre>
 *
 * <p>The directory is {@code -Dcourier.discovery.dir}, else {@code courier-discovery} in
 * {@code java.io.tmpdir}. Thread-safe; one daemon thread watches, started by the first watch.
 * Found with {@link java.util.ServiceLoader}: with this module on the class path, a
 * {@code Courier} uses it unless told otherwise.
 */
public final class LocalDiscovery implements Discovery {
    private static final Logger log = LoggerFactory.getLogger(LocalDiscovery.class);
    private static final String SUFFIX = ".lease";
    /**
     * The most leases read from one service's directory in one scan. One machine runs a few
     * instances of a service, not thousands; the bound keeps a directory someone filled with
     * files from costing every scan (five a second) the reading of all of them.
     */
    static final int MAX_LEASES = 1000;

    private final Path root;
    private final long ttlMillis;
    private final Duration renewInterval;
    private final long scanMillis;
    private final boolean checkProcesses;
    private final Watchers watchers = new Watchers();
    private final SkippedEntries skipped = new SkippedEntries(log, "Local discovery");
    private final Set<Path> watchedDirs = ConcurrentHashMap.newKeySet();
    private final String host = hostName();
    private final long pidStart = startMillis(ProcessHandle.current());
    private final Object lock = new Object();
    private final Object scanLock = new Object();
    private WatchService watchService;
    private Thread scanner;
    private volatile boolean closed;

    /** The default configuration, for {@link java.util.ServiceLoader}; prefer {@link #create()}. */
    public LocalDiscovery() {
        this(new Builder());
    }

    private LocalDiscovery(Builder b) {
        this.root = b.directory;
        this.ttlMillis = b.leaseTtl.toMillis();
        this.renewInterval = b.renewInterval;
        this.scanMillis = b.scanInterval.toMillis();
        this.checkProcesses = b.checkProcesses;
    }

    /** One with the defaults. */
    public static LocalDiscovery create() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The directory leases are kept in. */
    public Path directory() {
        return root;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void register(ServiceInstance instance) {
        write(instance);
    }

    @Override
    public void renew(ServiceInstance instance) {
        write(instance); // rewriting also brings back a lease someone deleted
    }

    @Override
    public void deregister(ServiceInstance instance) {
        try {
            Files.deleteIfExists(leaseFile(instance.service(), instance.id()));
        } catch (IOException e) {
            throw new UnavailableException("local discovery: cannot delete the lease of " + instance.id() + " in "
                    + root + ": " + e);
        }
    }

    @Override
    public Duration renewInterval() {
        return renewInterval;
    }

    @Override
    public Watch watch(String service, ServiceResolver.Listener listener) {
        Objects.requireNonNull(service, "service");
        ensureScanner();
        Watch w = watchers.add(service, listener);
        scan(service);
        return w;
    }

    /** A lease as the {@code instances} command shows it. */
    public record Entry(ServiceInstance instance, long pid, Instant renewedAt, boolean live) {
    }

    /**
     * Every lease of {@code service} (every service when empty), live or not, by service and id.
     *
     * @throws UnavailableException when the directory cannot be read
     */
    public List<Entry> entries(String service) {
        List<Entry> out = new ArrayList<>();
        try {
            List<Path> dirs = new ArrayList<>();
            if (service.isEmpty()) {
                if (Files.isDirectory(root)) {
                    try (DirectoryStream<Path> s = Files.newDirectoryStream(root, Files::isDirectory)) {
                        s.forEach(dirs::add);
                    }
                }
            } else {
                dirs.add(root.resolve(service));
            }
            dirs.sort(Comparator.naturalOrder());
            long now = System.currentTimeMillis();
            for (Path dir : dirs) {
                for (Found found : leases(dir)) {
                    Lease l = found.lease();
                    out.add(new Entry(l.instance(), l.pid(), Instant.ofEpochMilli(l.renewedMillis()), live(l, now)));
                }
            }
        } catch (IOException e) {
            throw new UnavailableException("local discovery: cannot read " + root + ": " + e);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (scanner != null) {
                scanner.interrupt();
            }
            if (watchService != null) {
                try {
                    watchService.close();
                } catch (IOException e) {
                    log.debug("Closing the watch service: {}", e.toString());
                }
            }
        }
    }

    private void write(ServiceInstance instance) {
        Path file = leaseFile(instance.service(), instance.id());
        Lease lease = new Lease(instance, ProcessHandle.current().pid(), pidStart, host, System.currentTimeMillis());
        try {
            Files.createDirectories(file.getParent());
            // Write then rename, so a reader never sees half a lease.
            Path tmp = file.resolveSibling("." + instance.id() + "." + ThreadLocalRandom.current().nextInt(1 << 30) + ".tmp");
            Files.write(tmp, LeaseFormat.encode(lease));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UnavailableException("local discovery: cannot write the lease " + file + ": " + e);
        }
    }

    private Path leaseFile(String service, String id) {
        if (!ServiceInstance.isValidName(service)) {
            throw new IllegalArgumentException("service: \"" + service + "\" (expected: letters, digits, '.', '_' or '-')");
        }
        return root.resolve(service).resolve(id + SUFFIX);
    }

    private void scan(String service) {
        synchronized (scanLock) { // one scan at a time, so an older reading never follows a newer one
            scanLocked(service);
        }
    }

    private void scanLocked(String service) {
        try {
            Path dir = root.resolve(service);
            watchDir(dir);
            long now = System.currentTimeMillis();
            List<ServiceInstance> live = new ArrayList<>();
            for (Found found : leases(dir)) {
                Lease l = found.lease();
                if (live(l, now)) {
                    live.add(l.instance());
                } else if (ownerGone(l)) {
                    // Nobody else will: the owner died without deleting its lease.
                    Files.deleteIfExists(found.file());
                }
            }
            watchers.publish(service, live);
        } catch (IOException | RuntimeException e) {
            watchers.fail(service, e);
        }
    }

    /** A lease and the file it was read from. */
    private record Found(Path file, Lease lease) {
    }

    /**
     * The readable leases in {@code dir}, by id; none when it does not exist. A file that is
     * not a lease of this service is skipped (and logged once), never the reason the others
     * go unread: only a directory that cannot be listed fails.
     */
    private List<Found> leases(Path dir) throws IOException {
        List<Found> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root); // a missing root is a fresh machine; an unwritable one fails here
            }
            return out;
        }
        SkippedEntries.Round round = skipped.round(dir.toString());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            int read = 0;
            for (Path f : files) {
                if (++read > MAX_LEASES) {
                    round.skip(dir.toString(), "more than " + MAX_LEASES + " files *" + SUFFIX
                            + " (expected: at most " + MAX_LEASES + "); the others are not read");
                    break;
                }
                try {
                    out.add(new Found(f, read(f, dir.getFileName().toString())));
                } catch (NoSuchFileException e) {
                    String target = linkTarget(f);
                    if (target != null) {
                        round.skip(f.toString(), "a symbolic link to " + target + ", which is not there (expected: a lease file)");
                    } // else deleted between listing and reading
                } catch (IOException e) {
                    round.skip(f.toString(), "unreadable (" + e + ")");
                } catch (IllegalArgumentException e) {
                    round.skip(f.toString(), e.getMessage());
                }
            }
        } finally {
            round.end();
        }
        out.sort(Comparator.comparing(found -> found.lease().instance().id()));
        return out;
    }

    /**
     * The lease in {@code f}: a regular file (a pipe or a device would block or never end) of
     * at most {@link LeaseFormat#MAX_BYTES}, named after the id of an instance of
     * {@code service}, so that a file cannot pass for another instance (nor get its lease
     * deleted with its own).
     */
    private static Lease read(Path f, String service) throws IOException {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IllegalArgumentException("lease: not a regular file (expected: a file written by Courier)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(f)) {
            bytes = in.readNBytes(LeaseFormat.MAX_BYTES + 1); // the file may grow after the look at its size
        }
        Lease l = LeaseFormat.decode(bytes);
        ServiceInstance i = l.instance();
        if (!i.service().equals(service) || !f.getFileName().toString().equals(i.id() + SUFFIX)) {
            throw new IllegalArgumentException("lease: of " + i.service() + "/" + i.id() + SUFFIX + " (expected: a lease of "
                    + service + "/" + f.getFileName() + ")");
        }
        return l;
    }

    /** Where {@code f} links to (200 characters at most), or null when it is no link (any longer). */
    private static String linkTarget(Path f) {
        try {
            String target = Files.readSymbolicLink(f).toString();
            return target.length() <= 200 ? target : target.substring(0, 200) + "...";
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Whether {@code l} was renewed within the TTL and its owner runs. A renewal time further
     * in the future than the TTL is no renewal: it would keep the lease live for as long as
     * the writer chose (forever, for a time near {@code Long.MAX_VALUE}).
     */
    private boolean live(Lease l, long nowMillis) {
        long renewed = l.renewedMillis();
        return renewed >= nowMillis - ttlMillis && renewed <= nowMillis + ttlMillis && !ownerGone(l);
    }

    /** Whether the lease was written on this host by a process that no longer runs. */
    private boolean ownerGone(Lease l) {
        if (!checkProcesses || !host.equals(l.host()) || l.pid() <= 0) {
            return false;
        }
        return ProcessHandle.of(l.pid())
                .map(p -> l.pidStartMillis() != 0 && Math.abs(startMillis(p) - l.pidStartMillis()) > 2000) // pid reused
                .orElse(true);
    }

    private void ensureScanner() {
        synchronized (lock) {
            if (scanner != null || closed) {
                return;
            }
            try {
                watchService = FileSystems.getDefault().newWatchService();
            } catch (IOException | UnsupportedOperationException e) {
                log.info("Local discovery: no file watching ({}); rescanning every {} ms", e.toString(), scanMillis);
            }
            scanner = Thread.ofPlatform().daemon().name("courier-local-discovery").start(this::run);
        }
    }

    private void watchDir(Path dir) throws IOException {
        WatchService ws = watchService;
        if (ws == null || watchedDirs.contains(dir)) {
            return;
        }
        Files.createDirectories(dir);
        dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        watchedDirs.add(dir);
    }

    private void run() {
        while (!closed) {
            try {
                WatchService ws = watchService;
                if (ws != null) {
                    WatchKey key = ws.poll(scanMillis, TimeUnit.MILLISECONDS);
                    while (key != null) { // take every pending event: one rescan answers them all
                        key.pollEvents();
                        key.reset();
                        key = ws.poll();
                    }
                } else {
                    Thread.sleep(scanMillis); // the rescan period itself, not a wait for a condition
                }
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                return;
            }
            for (String service : watchers.services()) {
                scan(service);
            }
        }
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "LocalDiscovery[" + root + "]";
    }

    /** Configures a {@link LocalDiscovery}; not thread-safe. */
    public static final class Builder {
        private Path directory = defaultDirectory();
        private Duration leaseTtl = Duration.ofSeconds(3);
        private Duration renewInterval = Duration.ofMillis(500);
        private Duration scanInterval = Duration.ofMillis(200);
        private boolean checkProcesses = true;

        private Builder() {
        }

        private static Path defaultDirectory() {
            String configured = System.getProperty("courier.discovery.dir");
            return configured != null ? Path.of(configured)
                    : Path.of(System.getProperty("java.io.tmpdir"), "courier-discovery");
        }

        /** Where leases are kept; every instance that should find the others must use the same one. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** How long a lease lives without renewal (default 3 s): the bound for a hung but running instance. */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = Checks.positive("leaseTtl", ttl);
            return this;
        }

        /** How often a serving Courier renews its leases (default 500 ms; keep it well under the TTL). */
        public Builder renewInterval(Duration interval) {
            this.renewInterval = Checks.positive("renewInterval", interval);
            return this;
        }

        /** How often the directory is read again whatever the watch service says (default 200 ms). */
        public Builder scanInterval(Duration interval) {
            this.scanInterval = Checks.positive("scanInterval", interval);
            return this;
        }

        /** Whether leases of processes no longer running on this host are dead at once (default true). */
        public Builder checkProcesses(boolean check) {
            this.checkProcesses = check;
            return this;
        }

        /** The configured backend. */
        public LocalDiscovery build() {
            if (renewInterval.compareTo(leaseTtl) >= 0) {
                throw new IllegalArgumentException("renewInterval: " + renewInterval + " (expected: < leaseTtl "
                        + leaseTtl + ")");
            }
            return new LocalDiscovery(this);
        }
    }
}
