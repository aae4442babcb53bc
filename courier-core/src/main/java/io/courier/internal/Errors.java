package io.courier.internal;

import io.courier.CancelledException;
import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever an implementation or a future threw into a {@link CourierException}, honest
 * per hop: an error a handler's own downstream call raised ({@link #downstream}) is answered as
 * that hop's failure, never retry-safe and without the downstream's words, because the handler
 * may have done work before the downstream call failed.
 */
public final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** The cause under the wrappers futures add. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Marks {@code error} as raised by a client of this process (a downstream call), so that a
     * handler letting it escape does not pass it on as its own; returns it.
     */
    public static CourierException downstream(CourierException error, String method) {
        for (Throwable s : error.getSuppressed()) {
            if (s instanceof DownstreamCall) {
                return error;
            }
        }
        error.addSuppressed(new DownstreamCall(method));
        return error;
    }

    /** Whether {@code t} was raised by a client of this process ({@link #downstream}). */
    public static boolean isDownstream(Throwable t) {
        for (Throwable s : t.getSuppressed()) {
            if (s instanceof DownstreamCall) {
                return true;
            }
        }
        return false;
    }

    /**
     * The error to send for a request that could not be read (decoding its arguments): the
     * caller's mistake when a codec or converter refused a value ({@link IllegalArgumentException}
     * included), else as {@link #fromServer}.
     */
    public static CourierException fromRequest(Throwable failure, MethodDescriptor method) {
        Throwable t = unwrap(failure);
        if (t instanceof IllegalArgumentException) {
            return new InvalidArgumentException(method.fullName() + ": " + t.getMessage());
        }
        return fromServer(t, method);
    }

    /**
     * The error to send for a failure of {@code method}'s implementation. Courier exceptions the
     * implementation threw pass as they are; one a downstream call raised becomes this hop's
     * failure with the same status, not retry-safe, its text and details logged here, not sent;
     * {@link UnsupportedOperationException} is unimplemented; anything else, an
     * {@link IllegalArgumentException} of the implementation's own code included, is a server
     * bug: logged with its stack trace and an error id, answered as an internal error naming
     * only that id.
     */
    public static CourierException fromServer(Throwable failure, MethodDescriptor method) {
        Throwable t = unwrap(failure);
        if (t instanceof CourierException c) {
            return isDownstream(c) ? ownFailure(c, method.fullName()) : c;
        }
        if (t instanceof UnsupportedOperationException) {
            return new UnimplementedException(method.fullName() + " is not implemented by this server");
        }
        if (t instanceof CancellationException || t instanceof InterruptedException) {
            return new CancelledException(method.fullName() + " was cancelled");
        }
        String id = errorId();
        log.error("{} failed (error id {})", method.fullName(), id, t);
        return new InternalException(method.fullName() + " failed on the server (error id " + id
                + "; the server's log has the details)");
    }

    /**
     * A downstream failure of {@code what} (a method, a message handler), answered as this hop's
     * own: the same status, never retry-safe, without the downstream's message and details
     * (breaker names, addresses), which are logged here with an error id.
     */
    public static CourierException ownFailure(CourierException downstream, String what) {
        String id = errorId();
        log.warn("{} failed: a call it made failed (error id {}): {}", what, id, downstream.toString());
        return CourierException.of(downstream.status(), what + " failed: a call it made failed with "
                + downstream.status() + " (error id " + id + "; the server's log has the details)", null, false);
    }

    private static String errorId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The error for a client-side failure that is not already a Courier exception. */
    public static CourierException fromClient(Throwable failure, MethodDescriptor method) {
        Throwable t = unwrap(failure);
        if (t instanceof CourierException c) {
            return c;
        }
        if (t instanceof CancellationException) {
            return new CancelledException(method.fullName() + " was cancelled by the caller");
        }
        return new InternalException(method.fullName() + " failed in the client: " + t);
    }

    /** Marks where a client of this process raised an error: the caller's frames, and the mark of a downstream failure. */
    static final class DownstreamCall extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DownstreamCall(String method) {
            super("called " + method + " here");
        }
    }
}
