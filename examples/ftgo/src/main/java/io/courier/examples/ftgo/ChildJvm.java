package io.courier.examples.ftgo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the launcher starts a service's JVM so that it starts fast: C1 alone, the serial collector
 * and a small heap (the demo's load is light), and a class-data archive of the classes a service
 * loads (AppCDS), shared by every service process. One process, the archiver, runs with
 * {@code -XX:+AutoCreateSharedArchive}: when the archive is missing or no longer matches the
 * class path (after a build), that process writes it anew as it exits; the others map it when it
 * exists. So the first run pays the class loading in full, and the following ones map what it
 * wrote. The archive, and jars of the class path's directories (an archive takes classes from
 * jars only), live in {@code target/cds} next to the demo's classes (a build's {@code clean}
 * removes them), named after the JDK and the class path; the archives of other class paths are
 * deleted, so that one archive stays.
 */
final class ChildJvm {
    /** The instance whose JVM writes the archive: the order service loads the most classes. */
    static final String ARCHIVER = "order";
    /** A warning or an error of class-data sharing as -Xlog writes it: {@code [0.27s][warning][cds,dynamic] ...}. */
    private static final Pattern CDS_TROUBLE = Pattern.compile("^\\[[^\\]]*\\]\\[(warning|error) *\\]\\[cds[\\],]");

    private final String classPath;
    private final Path archive;

    ChildJvm(String classPath, Path archive) {
        this.classPath = classPath;
        this.archive = archive;
    }

    /** The child JVMs of this launcher: its class path, its directories as jars (see {@link #jarred}). */
    static ChildJvm ofThisJvm() {
        String classPath = System.getProperty("java.class.path");
        Path dir = archiveDirectory();
        if (dir != null) {
            classPath = jarred(classPath, dir);
        }
        String name = String.format(Locale.ROOT, "demo-%s-%08x.jsa", Runtime.version().feature(),
                (System.getProperty("java.home") + Runtime.version() + classPath).hashCode());
        if (dir == null) {
            return new ChildJvm(classPath, null);
        }
        Path archive = dir.resolve(name);
        dropOtherArchives(archive);
        return new ChildJvm(classPath, archive);
    }

    /**
     * Deletes the archives in {@code archive}'s directory other than {@code archive}: those of
     * earlier class paths (each build that changes a jar names a new one) or JDKs, which no JVM
     * of this class path can map. One that cannot be deleted is left.
     */
    static void dropOtherArchives(Path archive) {
        try (Stream<Path> files = Files.list(archive.getParent())) {
            files.filter(f -> f.getFileName().toString().matches("demo-.+\\.jsa") && !f.equals(archive)).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // In use elsewhere or not ours to delete: it only takes room.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // No listing: nothing dropped.
        }
    }

    /**
     * The class path with each directory replaced by a jar of its files in {@code dir}, made anew
     * when a file of the directory is newer than it: a class-data archive holds classes from jars
     * only, and the JVM refuses to write one while the class path has a directory with classes
     * (the demo's own classes are one). A jar that cannot be written leaves its directory in place.
     */
    static String jarred(String classPath, Path dir) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            Path jar = dir.resolve(String.format(Locale.ROOT, "%s-%08x.jar", path.getFileName(),
                    path.toAbsolutePath().toString().hashCode()));
            try {
                if (stale(jar, path)) {
                    writeJar(path, jar);
                }
                entries.add(jar.toString());
            } catch (IOException | UncheckedIOException e) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Whether {@code jar} is missing, or older than a file of {@code classes}. */
    private static boolean stale(Path jar, Path classes) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        FileTime made = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(classes)) {
            return files.anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(made) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    /** Writes the files of {@code classes} into {@code jar}, through a file of its own moved in place at the end. */
    private static void writeJar(Path classes, Path jar) throws IOException {
        Path partial = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".part");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code target/cds} beside the demo's classes, created; null where it cannot be (no archive then). */
    private static Path archiveDirectory() {
        try {
            Path classes = Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = classes.getParent().resolve("cds");
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return null;
        }
    }

    /** The archive's file, or null when there is none to write. */
    Path archive() {
        return archive;
    }

    /** Whether the archive exists now (a run before this one wrote it). */
    boolean archived() {
        return archive != null && Files.isRegularFile(archive);
    }

    /**
     * What the JVMs whose output is in {@code logs} did with the archive, for the start-up
     * summary: mapped it, refused it (the JVM says so in its output: a {@code cds} warning or
     * error, as when the class path no longer matches the archive's), or none to map.
     *
     * @param existed whether the archive existed when the JVMs started
     */
    String report(boolean existed, Iterable<Path> logs) {
        if (archive == null) {
            return "no class-data archive (no place to write it)";
        }
        if (!existed) {
            return "no class-data archive yet (the " + ARCHIVER + " service's JVM writes it as it exits: the next start is faster)";
        }
        for (Path log : logs) {
            if (refused(log)) {
                return "the JVMs refused the class-data archive " + archive + " as out of date (see " + log
                        + "); the " + ARCHIVER + " service's JVM writes it anew as it exits";
            }
        }
        return "the JVMs mapped the class-data archive " + archive;
    }

    /** Whether the JVM output in {@code log} has a warning or an error of its class-data sharing. */
    private static boolean refused(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.anyMatch(l -> CDS_TROUBLE.matcher(l).find());
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The command line of {@code mainClass} with {@code args} in a child JVM of the service {@code instance}. */
    List<String> command(String instance, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // kafka-clients frees buffers through Unsafe
        }
        // Small JVMs that start fast: the demo's load is light, so C1 alone and the serial collector do.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms32m", "-Xmx192m", "-Xss512k",
                "-XX:-UsePerfData"));
        if (archive != null && instance.equals(ARCHIVER)) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive"));
        } else if (archived()) {
            // A stale archive (the class path's jars changed) is refused with a warning in the log; the archiver renews it.
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", classPath, mainClass));
        command.addAll(args);
        return command;
    }
}
