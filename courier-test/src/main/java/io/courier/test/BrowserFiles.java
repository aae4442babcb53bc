package io.courier.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** The files of a {@link HeadlessBrowser}: which executable to run, and its profile's deletion. */
final class BrowserFiles {
    private BrowserFiles() {
    }

    /**
     * The file the environment variable {@code variable} names if it is set (empty if that is not
     * an executable), else the first of {@code names} on the {@code PATH}; empty when there is none.
     */
    static Optional<Path> executable(String variable, List<String> names) {
        String named = System.getenv(variable);
        if (named != null && !named.isBlank()) {
            Path file = Path.of(named);
            return Files.isExecutable(file) ? Optional.of(file) : Optional.empty();
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Optional.of(Path.of(dir, name));
                }
            }
        }
        return Optional.empty();
    }

    /** Deletes a profile directory and what it holds, as far as it can. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a profile left in the temporary directory is harmless
        }
    }
}
