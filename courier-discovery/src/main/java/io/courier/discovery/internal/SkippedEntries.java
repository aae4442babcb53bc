package io.courier.discovery.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * The entries of a registry a backend skips (a lease it cannot read, a record it cannot call),
 * logged at WARN once while they stay wrong: a backend reads its registry again and again,
 * and one bad entry must not write a line each time. Each read of one scope (a service) is a
 * {@link Round}; an entry not skipped in a round is forgotten, so it is logged again if it
 * goes wrong again. Thread-safe.
 *
 * <pre>{@code
 * SkippedEntries.Round round = skipped.round("inventory");
 * round.skip("/dir/inventory/x.lease", "lease: id: missing");
 * round.end();
 * }</pre>
 */
public final class SkippedEntries {
    private final Logger log;
    private final String backend;
    private final Map<String, Map<String, String>> last = new ConcurrentHashMap<>();

    /** Logs to {@code log}, naming the backend ({@code "Local discovery"}). */
    public SkippedEntries(Logger log, String backend) {
        this.log = log;
        this.backend = backend;
    }

    /** Starts a read of {@code scope}. */
    public Round round(String scope) {
        return new Round(scope);
    }

    /** One read of a scope; not thread-safe. */
    public final class Round {
        private final String scope;
        private final Map<String, String> before;
        private final Map<String, String> now = new HashMap<>();

        private Round(String scope) {
            this.scope = scope;
            this.before = last.getOrDefault(scope, Map.of());
        }

        /** Skips {@code entry} because of {@code reason}: logged at WARN unless the last round said the same. */
        public void skip(String entry, String reason) {
            now.put(entry, reason);
            if (reason.equals(before.get(entry))) {
                log.debug("{}: skipping {}: {}", backend, entry, reason);
            } else {
                log.warn("{}: skipping {}: {}", backend, entry, reason);
            }
        }

        /** Ends the read: what it did not skip is forgotten. */
        public void end() {
            if (now.isEmpty()) {
                last.remove(scope);
            } else {
                last.put(scope, Map.copyOf(now));
            }
        }
    }
}
