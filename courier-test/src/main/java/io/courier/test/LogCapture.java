package io.courier.test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Captures what the test JVM's logging prints, so a test can assert on it and a passing test
 * prints nothing. Works with the {@code slf4j-simple} binding Courier's tests use, which writes
 * each line to {@code System.err} as {@code [thread] LEVEL logger - message}: while a capture is
 * open, {@code System.err} is swapped for a buffer (nothing is printed), and {@link #close()}
 * puts the original back. Library output through SLF4J (Vert.x, Netty) and uncaught exceptions
 * land there too.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.start()) {
 *     ...
 *     assertThat(log.lines("ERROR")).isEmpty();
 *     assertThat(log.stackTraceLines()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Thread-safe; one capture at a time per JVM (tests that use it must not run in parallel).
 */
public final class LogCapture implements AutoCloseable {
    private static final Pattern STACK_LINE = Pattern.compile("^\\s*(at |Caused by: |\\.\\.\\. \\d+ more)");

    private final PrintStream original;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream capture;

    private LogCapture() {
        this.original = System.err;
        this.capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setErr(capture);
    }

    /** Starts capturing {@code System.err}. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every line captured so far. */
    public List<String> lines() {
        String text;
        synchronized (capture) { // PrintStream writes under its own lock
            text = buffer.toString(StandardCharsets.UTF_8);
        }
        return text.lines().toList();
    }

    /** The log lines at {@code level} ("ERROR", "WARN", "INFO", ...). */
    public List<String> lines(String level) {
        String marker = "] " + level + " ";
        return lines().stream().filter(l -> l.contains(marker) || l.startsWith(level + " ")).toList();
    }

    /** Lines that belong to a printed stack trace ({@code at ...}, {@code Caused by: ...}). */
    public List<String> stackTraceLines() {
        return lines().stream().filter(l -> STACK_LINE.matcher(l).find()).toList();
    }

    /** Everything captured, for an assertion's failure message. */
    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines());
    }

    /** Stops capturing and restores the original {@code System.err}. */
    @Override
    public void close() {
        System.setErr(original);
        capture.flush();
    }
}
