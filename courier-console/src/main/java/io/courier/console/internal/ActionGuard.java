package io.courier.console.internal;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use a part of the console (view it, or act through it): everyone ({@link #OPEN}), or
 * callers with a role.
 */
public final class ActionGuard {
    public static final ActionGuard OPEN = new ActionGuard(null, null);
    private static final Logger log = LoggerFactory.getLogger(ActionGuard.class);

    private final Function<Metadata, Optional<Principal>> authenticate;
    private final String role;

    public ActionGuard(Function<Metadata, Optional<Principal>> authenticate, String role) {
        this.authenticate = authenticate;
        this.role = role;
    }

    /** Whether it needs credentials. */
    boolean closed() {
        return authenticate != null;
    }

    /**
     * 0 when {@code headers} may do {@code what}; else the HTTP status that refuses them (401 or
     * 403). An allowed action is logged at INFO ({@code audit}), an allowed view at DEBUG only.
     */
    int check(Metadata headers, String what, boolean audit) {
        if (authenticate == null) {
            return 0;
        }
        Optional<Principal> who;
        try {
            who = authenticate.apply(headers);
        } catch (UnauthenticatedException e) {
            log.debug("console: {} refused, credentials not valid: {}", what, e.getMessage());
            return 401;
        }
        if (who.isEmpty()) {
            return 401;
        }
        if (!who.get().hasRole(role)) {
            log.debug("console: {} refused to {}, who lacks the role {}", what, who.get().name(), role);
            return 403;
        }
        if (audit) {
            log.info("console: {} by {}", what, who.get().name());
        } else {
            log.debug("console: {} by {}", what, who.get().name());
        }
        return 0;
    }
}
