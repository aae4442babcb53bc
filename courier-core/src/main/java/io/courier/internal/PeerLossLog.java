package io.courier.internal;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * How a client transport reports losing its peer (connection reset or closed under calls in
 * flight, an instance that stopped): an expected event, not an error. The first loss of an
 * endpoint since it last answered is logged once at WARN with what is done about it; each
 * affected call at DEBUG; the endpoint's next answer at INFO as "recovered". So an instance
 * dying under a hundred calls gives one WARN line and one INFO line, not a hundred stack
 * traces. Thread-safe.
 *
 * <pre>{@code
 * PeerLossLog peers = new PeerLossLog(log, "failing its calls in flight as UNAVAILABLE");
 * peers.lost(target, method.fullName(), cause);   // on a reset or closed connection
 * peers.answered(target);                          // on any answer from target
 * }</pre>
 */
public final class PeerLossLog {
    private final Logger log;
    private final String action;
    private final Set<String> down = ConcurrentHashMap.newKeySet();

    /**
     * @param log    where to write
     * @param action what the transport does about a lost peer, for the WARN line
     *               (e.g. "failing its calls in flight as UNAVAILABLE")
     */
    public PeerLossLog(Logger log, String action) {
        this.log = Objects.requireNonNull(log, "log");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** Reports that {@code call} to {@code endpoint} lost its connection because of {@code cause}. */
    public void lost(Object endpoint, String call, Throwable cause) {
        String key = String.valueOf(endpoint);
        String reason = reason(cause);
        if (down.add(key)) {
            log.warn("{}: connection lost ({}); {} until it answers again", key, reason, action);
        }
        log.debug("{}: call {} lost its connection ({})", key, call, reason);
    }

    /** Reports an answer from {@code endpoint}: after a loss, logs that it recovered. */
    public void answered(Object endpoint) {
        if (down.isEmpty()) {
            return; // the common case: nothing to recover from, no string built
        }
        String key = String.valueOf(endpoint);
        if (down.remove(key)) {
            log.info("{}: recovered, answering again", key);
        }
    }

    /** Whether {@code endpoint} lost its connection and has not answered since. */
    public boolean isDown(Object endpoint) {
        return down.contains(String.valueOf(endpoint));
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "closed";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
