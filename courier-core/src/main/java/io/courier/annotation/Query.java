package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a query parameter. {@code Optional} and nullable types may be absent;
 * a {@code List} or {@code Set} takes every repetition. Element types as for {@link Path}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Query {
    /** The query parameter's name; empty means the parameter's own name. */
    String value() default "";
}
