package io.courier.security;

import io.courier.CallContext;
import io.courier.Principal;
import io.courier.annotation.Get;
import io.courier.annotation.Post;
import io.courier.annotation.Service;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.concurrent.atomic.AtomicInteger;

/** A contract declaring access on the interface and overriding it per method. */
@Service("orders")
@RolesAllowed({"clerk", "manager"})
public interface Orders {
    /** Any clerk or manager: answers who the handler sees. */
    @Get("/whoami")
    String whoAmI();

    /** The write scope, whatever the roles (the method's rule replaces the interface's). */
    @Post("/orders")
    @RequiresScopes("orders:write")
    String place(String item);

    /** Anyone, even without credentials. */
    @Get("/status")
    @PermitAll
    String status();

    /** Nobody. */
    @Post("/purge")
    @DenyAll
    String purge();

    /** Counts the calls that reached it. */
    final class Desk implements Orders {
        final AtomicInteger calls = new AtomicInteger();

        static String caller() {
            return CallContext.current().principal().map(Principal::name).orElse("anonymous");
        }

        @Override
        public String whoAmI() {
            calls.incrementAndGet();
            return caller();
        }

        @Override
        public String place(String item) {
            calls.incrementAndGet();
            return caller() + " placed " + item;
        }

        @Override
        public String status() {
            calls.incrementAndGet();
            return "up for " + caller();
        }

        @Override
        public String purge() {
            calls.incrementAndGet();
            return "purged";
        }
    }
}
