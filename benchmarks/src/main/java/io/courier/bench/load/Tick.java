package io.courier.bench.load;

/**
 * The event of the publish/subscribe scenario, about 100 bytes as JSON; it carries the time it
 * was published so the handler can tell how long it travelled (one JVM, one clock).
 */
public record Tick(long sentNanos, int sequence, String text) {
}
