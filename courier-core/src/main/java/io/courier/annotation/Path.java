package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a variable of the method's path template.
 *
 * <pre>{@code @Get("/consumers/{id}") Consumer get(@Path("id") long id);}</pre>
 *
 * <p>Allowed types: strings, primitives and their boxes, enums, {@code UUID}, {@code BigDecimal},
 * {@code BigInteger} and the {@code java.time} types with a {@code parse} method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Path {
    /** The template variable's name; empty means the parameter's own name (compiled with {@code -parameters}). */
    String value() default "";
}
