package io.courier.security;

import io.courier.annotation.Get;
import io.courier.annotation.NonBlocking;
import io.courier.annotation.Service;
import jakarta.annotation.security.RolesAllowed;

/** A clerk's contract whose implementation runs in place and answers which thread it saw. */
@Service("where")
@RolesAllowed("clerk")
public interface Where {
    @Get("/thread")
    String thread();

    /** {@code virtual} after a hop, else the name of the (event-loop) thread. */
    @NonBlocking
    final class Here implements Where {
        @Override
        public String thread() {
            Thread t = Thread.currentThread();
            return t.isVirtual() ? "virtual" : t.getName();
        }
    }
}
