package io.courier.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a Courier contract: the whole description of a remote service.
 *
 * <pre>{@code
 * @Service("consumer")
 * public interface ConsumerService {
 *     @Get("/consumers/{id}") Consumer get(@Path("id") long id);
 *     @Post("/consumers/{id}/validate") void validateOrder(@Path("id") long id, Money total);
 * }
 * }</pre>
 *
 * <p>Abstract methods are remote operations; default and static methods stay local. A method
 * without an HTTP mapping is served as {@code POST /{service}/{method}}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Service {
    /** The service's name, used in default routes, gRPC names and discovery; empty means the
     * interface's simple name with a lower-case first letter. */
    String value() default "";
}
