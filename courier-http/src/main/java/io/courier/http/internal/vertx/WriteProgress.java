package io.courier.http.internal.vertx;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the answers on a server's connections whose bytes stop leaving: a client that does not
 * read (an HTTP/2 window of 0, a full socket) while it keeps its connection busy, which the idle
 * timeout does not see. Each {@link Answer} reports the futures of its writes; a write's future
 * completes when its bytes have been written to the socket, so a completed write is progress.
 * An answer with writes pending and none completed for the write timeout is
 * {@linkplain Answer#stalled() stalled}.
 *
 * <p>Cost: an answer being written is linked into its connection's list (no allocation: the
 * answer is the node) and listens to its writes' futures; a connection with answers pending has
 * one timer, four checks per timeout, each check setting the next, which stops at the first
 * check finding none. So an answer that stalls is cut between one and one and a quarter
 * timeouts after its last progress. A check counts a quarter of the timeout only because the
 * next one is set that far after it: a timer at a fixed rate would, after the loop was held (a
 * long collection, a method that blocks the loop), run the checks it missed one after another
 * and cut a reader that is keeping pace within a millisecond of its last progress. A held loop
 * thus counts as one check, however long. The list and the timer are touched on the
 * connection's event loop only; the registry of connections is thread-safe.
 */
public final class WriteProgress {
    /**
     * An answer larger than this is written in parts of this size, each watched, so that a
     * reader taking it slowly but steadily shows progress as each part leaves.
     */
    public static final int PART = 32 * 1024;
    /** HTTP/2's CANCEL, the reset of an abandoned answer's stream. */
    private static final long CANCEL = 0x8;
    /** Checks per timeout. */
    private static final int CHECKS = 4;
    /** The watched connections of every server in the process. */
    private static final Map<HttpConnection, WriteProgress> CONNECTIONS = new ConcurrentHashMap<>();

    private final Vertx vertx;
    private final long periodMillis;
    private final Handler<Long> check = id -> check();
    private Answer head;
    /** The next check's timer, -1 when none is set. */
    private long timer = -1;
    /** The connection closed: no check is set any more. */
    private boolean closed;

    private WriteProgress(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.periodMillis = Math.max(10, timeout.toMillis() / CHECKS);
    }

    /**
     * Watches the answers written on {@code connection}, accepted by a server whose write
     * timeout is {@code timeout}, until {@link #closed} (zero: not watched).
     */
    public static void opened(HttpConnection connection, Vertx vertx, Duration timeout) {
        if (timeout.isPositive()) {
            WriteProgress w = new WriteProgress(vertx, timeout);
            CONNECTIONS.put(connection, w);
        }
    }

    /**
     * Drops the answer to {@code request} and what it queued: its HTTP/2 stream reset with
     * {@code CANCEL}, or its HTTP/1.x connection closed, as nothing else ends one answer there.
     * Vert.x resets only a stream whose end it still holds; an answer it handed whole to the
     * HTTP/2 layer goes with its connection. A connection is closed on its socket, so that what
     * it queued is dropped, not waited for (Vert.x's close waits for the queue to drain).
     */
    public static void abandon(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            request.response().reset(CANCEL).onFailure(failure -> closeNow(request.connection()));
        } else {
            closeNow(request.connection());
        }
    }

    private static void closeNow(HttpConnection connection) {
        Channel channel = AcceptedSockets.of(connection);
        if (channel != null) {
            ClientSockets.closeAtOnce(channel);
        } else {
            connection.close();
        }
    }

    /** {@code connection} closed: its answers are no longer watched. */
    public static void closed(HttpConnection connection) {
        WriteProgress w = CONNECTIONS.remove(connection);
        if (w != null) {
            w.closed = true;
            if (w.timer >= 0) {
                w.vertx.cancelTimer(w.timer);
                w.timer = -1;
            }
        }
    }

    /** The watch of {@code connection}'s answers; null when it has none (the timeout off, another server). */
    public static WriteProgress of(HttpConnection connection) {
        return CONNECTIONS.get(connection);
    }

    private void link(Answer a) {
        a.next = head;
        if (head != null) {
            head.prev = a;
        }
        head = a;
        a.owner = this;
        if (timer < 0 && !closed) {
            timer = vertx.setTimer(periodMillis, check);
        }
    }

    private void unlink(Answer a) {
        if (a.prev != null) {
            a.prev.next = a.next;
        } else if (head == a) {
            head = a.next;
        }
        if (a.next != null) {
            a.next.prev = a.prev;
        }
        a.prev = a.next = null;
        a.owner = null;
    }

    /**
     * Counts a quiet period for each answer with no write completed since the last check, and
     * sets the next check a period from now while answers remain (a stalled answer's abandon may
     * link another, which sets it first).
     */
    private void check() {
        timer = -1;
        Answer a = head;
        while (a != null) {
            Answer next = a.next;
            if (a.completed != a.seen) {
                a.seen = a.completed;
                a.quiet = 0;
            } else if (++a.quiet >= CHECKS) {
                unlink(a);
                a.stalled = true;
                a.stalled();
            }
            a = next;
        }
        if (head != null && timer < 0 && !closed) {
            timer = vertx.setTimer(periodMillis, check);
        }
    }

    /**
     * One answer (an HTTP response, a gRPC call's), a node of its connection's list while it has
     * writes pending. Touched on its connection's event loop only.
     */
    public abstract static class Answer implements Handler<AsyncResult<Void>> {
        private WriteProgress owner;
        private Answer prev;
        private Answer next;
        private int pending;
        private int completed;
        private int seen;
        private int quiet;
        private boolean stalled;

        /**
         * {@code write} of this answer was made on {@code progress}'s connection (null: not
         * watched); from now until it completes, the answer is watched.
         */
        protected final void writing(WriteProgress progress, Future<Void> write) {
            if (progress == null || stalled) {
                return;
            }
            if (pending++ == 0 && owner == null) {
                quiet = -1; // the first check may come at once: it does not count
                progress.link(this);
            }
            write.onComplete(this);
        }

        /** A write completed: its bytes left, or it failed (the stream or connection closed). */
        @Override
        public final void handle(AsyncResult<Void> written) {
            completed++;
            if (--pending == 0 && owner != null) {
                owner.unlink(this);
            }
        }

        /**
         * Runs once, on the event loop, when writes of this answer have been pending for the
         * timeout with none completing: abandon it (reset the stream, close an HTTP/1.x
         * connection, stop its producer).
         */
        protected abstract void stalled();
    }
}
