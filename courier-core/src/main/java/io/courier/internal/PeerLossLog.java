package io.courier.internal;

import java.util.Objects;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * How a client transport reports losing its peer (connection reset or closed under calls in
 * flight, an instance that stopped): an expected event, not an error. The first loss of an
 * endpoint since it last answered is logged once at WARN with what is done about it; each
 * affected call at DEBUG; the endpoint's next answer at INFO as "recovered". So an instance
 * dying under a hundred calls gives one WARN line and one INFO line, not a hundred stack
 * traces. Only a call that started after the loss can say the endpoint recovered: an answer
 * to an older call (a server draining with GOAWAY answers the streams it had accepted while
 * refusing newer ones) says nothing about the endpoint now. Thread-safe.
 *
 * <pre>{@code
 * PeerLossLog peers = new PeerLossLog(log, "failing its calls in flight as UNAVAILABLE");
 * long started = peers.started();                 // when a call starts
 * peers.lost(target, method.fullName(), cause);   // on a reset or closed connection
 * peers.answered(target, started);                // on an answer from target
 * }</pre>
 */
public final class PeerLossLog {
    private final Logger log;
    private final String action;
    /** The endpoints lost, each with the tick of its loss. */
    private final Map<String, Long> down = new ConcurrentHashMap<>();
    /** Orders call starts and losses: a call that started at tick t started after losses at ticks <= t. */
    private final AtomicLong ticks = new AtomicLong();

    /**
     * @param log    where to write
     * @param action what the transport does about a lost peer, for the WARN line
     *               (e.g. "failing its calls in flight as UNAVAILABLE")
     */
    public PeerLossLog(Logger log, String action) {
        this.log = Objects.requireNonNull(log, "log");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** The tick of a call starting now, for {@link #answered(Object, long)}. */
    public long started() {
        return ticks.get();
    }

    /** Reports that {@code call} to {@code endpoint} lost its connection because of {@code cause}. */
    public void lost(Object endpoint, String call, Throwable cause) {
        String key = String.valueOf(endpoint);
        String reason = reason(cause);
        if (down.putIfAbsent(key, ticks.incrementAndGet()) == null) {
            log.warn("{}: connection lost ({}); {} until it answers again", key, reason, action);
        }
        log.debug("{}: call {} lost its connection ({})", key, call, reason);
    }

    /**
     * Reports an answer from {@code endpoint} to a call that {@link #started} at {@code started}:
     * if the call began after the endpoint's loss, logs that it recovered.
     */
    public void answered(Object endpoint, long started) {
        if (down.isEmpty()) {
            return; // the common case: nothing to recover from, no string built
        }
        String key = String.valueOf(endpoint);
        Long lostAt = down.get(key);
        if (lostAt != null && started >= lostAt && down.remove(key, lostAt)) {
            log.info("{}: recovered, answering again", key);
        }
    }

    /** Whether {@code endpoint} lost its connection and has not answered since. */
    public boolean isDown(Object endpoint) {
        return down.containsKey(String.valueOf(endpoint));
    }

    private static String reason(Throwable cause) {
        if (cause == null) {
            return "closed";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
