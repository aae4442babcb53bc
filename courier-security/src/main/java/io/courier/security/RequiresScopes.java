package io.courier.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The OAuth scopes a caller must hold, every one of them, to call a contract's methods (on the
 * interface) or one method (on the method). Beside {@code @RolesAllowed}, both must hold.
 *
 * <pre>{@code
 * @Service
 * @RequiresScopes("orders:read")
 * public interface Orders {
 *     Order get(String id);
 *     @RequiresScopes({"orders:read", "orders:write"})
 *     Order cancel(String id);
 * }
 * }</pre>
 *
 * <p>Jakarta has no annotation for scopes (a scope is what a client was allowed to do, a role
 * what a user is), so Courier has this one; see {@link AccessControl} for how annotations on the
 * interface and on the method combine.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresScopes {
    /** The scopes, all required. */
    String[] value();
}
