package io.courier.console.internal;

import io.courier.http.internal.prometheus.Samples;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent scrapes of one instance, newest last, kept for the console's window. Guarded by
 * the scraper: one round at a time writes, readers get a copy.
 */
final class InstanceScrapes {
    record Scrape(long atNanos, Samples samples) {
    }

    final String service;
    final String id;
    final URI uri;
    private final Deque<Scrape> history = new ArrayDeque<>();
    private volatile String failure; // why the last scrape failed; null when it worked

    InstanceScrapes(String service, String id, URI uri) {
        this.service = service;
        this.id = id;
        this.uri = uri;
    }

    synchronized void add(Scrape s, long windowNanos) {
        history.addLast(s);
        // Keep the newest scrape at least a window old, as the base of the window's deltas.
        while (history.size() > 2) {
            var it = history.iterator();
            it.next();
            Scrape second = it.next();
            if (s.atNanos() - second.atNanos() >= windowNanos) {
                history.removeFirst();
            } else {
                break;
            }
        }
        failure = null;
    }

    void failed(String why) {
        failure = why;
    }

    String failure() {
        return failure;
    }

    /** The oldest scrape in the window and the newest; both null before the first scrape. */
    synchronized Scrape[] ends() {
        return history.isEmpty() ? new Scrape[] {null, null} : new Scrape[] {history.peekFirst(), history.peekLast()};
    }
}
