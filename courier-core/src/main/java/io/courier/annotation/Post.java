package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a contract method to an HTTP {@code POST} on a path template such as {@code "/orders/{id}"}.
 *
 * <p>Template variables are bound to parameters annotated with {@link Path}; every variable must
 * have exactly one such parameter. Paths are matched segment by segment; a variable matches one
 * whole segment.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Post {
    /** The path template, starting with {@code /}. */
    String value();
}
