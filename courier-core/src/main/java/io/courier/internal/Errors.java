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

/** Turns whatever an implementation or a future threw into a {@link CourierException}. */
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
     * The error to send for a failure of {@code method}'s implementation. Courier exceptions
     * pass as they are; {@link IllegalArgumentException} is the caller's mistake; anything else
     * is logged with an error id and answered as an internal error naming only that id.
     */
    public static CourierException fromServer(Throwable failure, MethodDescriptor method) {
        Throwable t = unwrap(failure);
        if (t instanceof CourierException c) {
            return c;
        }
        if (t instanceof IllegalArgumentException) {
            return new InvalidArgumentException(method.fullName() + ": " + t.getMessage());
        }
        if (t instanceof UnsupportedOperationException) {
            return new UnimplementedException(method.fullName() + " is not implemented by this server");
        }
        if (t instanceof CancellationException || t instanceof InterruptedException) {
            return new CancelledException(method.fullName() + " was cancelled");
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} failed (error id {})", method.fullName(), id, t);
        return new InternalException(method.fullName() + " failed on the server (error id " + id
                + "; the server's log has the details)");
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
}
