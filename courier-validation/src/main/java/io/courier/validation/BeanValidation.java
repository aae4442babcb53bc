package io.courier.validation;

import io.courier.Interceptor;
import io.courier.validation.internal.ValidatingInterceptor;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Objects;

/**
 * Jakarta Bean Validation of served calls: the constraints a contract declares on its
 * parameters and on the components of its records are checked before the implementation runs,
 * and a call that violates any is answered {@code INVALID_ARGUMENT} (HTTP 400) naming each
 * property path and constraint message, e.g.
 * {@code orders.place: body order.lines[0].quantity: must be greater than 0 (@Positive)}.
 *
 * <pre>{@code
 * @Service
 * public interface Orders {
 *     Receipt place(@Valid Order order);
 *     List<Order> recent(@Query("limit") @Positive @Max(100) int limit);
 * }
 * public record Order(@NotBlank String customer, @Size(min = 1) List<@Valid Line> lines) {}
 * public record Line(@NotBlank String sku, @Positive int quantity) {}
 *
 * Courier courier = Courier.builder().serverInterceptor(BeanValidation.interceptor()).build();
 * }</pre>
 *
 * <p>Nested records are validated only where {@code @Valid} asks, as Bean Validation defines.
 * Courier's own null rule runs first, in the dispatcher, so a missing required value is refused
 * before this interceptor sees the call; constraints add what the null rule cannot say (sizes,
 * ranges, patterns). The interceptor works on the client side too
 * ({@code Courier.Builder.clientInterceptor}), refusing a call before it is sent.
 *
 * <p>Why Bean Validation rather than Courier's own annotations: users already know its
 * annotations from Jakarta EE, Spring and Micronaut, records and DTOs often carry them already,
 * and Hibernate Validator is a well-kept implementation with message interpolation and
 * internationalisation that Courier need not rebuild.
 *
 * <p>Thread-safe; one interceptor serves every call.
 */
public final class BeanValidation {
    private BeanValidation() {
    }

    /**
     * An interceptor validating with the default {@link Validator} of the Bean Validation
     * provider on the class path (Hibernate Validator, a dependency of this module).
     */
    public static Interceptor interceptor() {
        return new ValidatingInterceptor(DefaultValidator.INSTANCE);
    }

    /** An interceptor validating with {@code validator}, e.g. one with a custom message interpolator. */
    public static Interceptor interceptor(Validator validator) {
        return new ValidatingInterceptor(Objects.requireNonNull(validator, "validator"));
    }

    /** Built on first use: bootstrapping a provider costs tens of milliseconds. */
    private static final class DefaultValidator {
        static final Validator INSTANCE = Validation.buildDefaultValidatorFactory().getValidator();
    }
}
