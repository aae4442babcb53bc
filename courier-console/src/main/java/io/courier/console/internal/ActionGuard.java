package io.courier.console.internal;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who may act through the console: everyone ({@link #OPEN}), or callers with a role. */
public final class ActionGuard {
    public static final ActionGuard OPEN = new ActionGuard(null, null);
    private static final Logger log = LoggerFactory.getLogger(ActionGuard.class);

    private final Function<Metadata, Optional<Principal>> authenticate;
    private final String role;

    public ActionGuard(Function<Metadata, Optional<Principal>> authenticate, String role) {
        this.authenticate = authenticate;
        this.role = role;
    }

    /** Whether actions need credentials. */
    boolean closed() {
        return authenticate != null;
    }

    /** 0 when {@code headers} may act; else the HTTP status that refuses them (401 or 403). */
    int check(Metadata headers, String action) {
        if (authenticate == null) {
            return 0;
        }
        Optional<Principal> who;
        try {
            who = authenticate.apply(headers);
        } catch (UnauthenticatedException e) {
            log.debug("console: {} refused, credentials not valid: {}", action, e.getMessage());
            return 401;
        }
        if (who.isEmpty()) {
            return 401;
        }
        if (!who.get().hasRole(role)) {
            log.debug("console: {} refused to {}, who lacks the role {}", action, who.get().name(), role);
            return 403;
        }
        log.info("console: {} by {}", action, who.get().name());
        return 0;
    }
}
