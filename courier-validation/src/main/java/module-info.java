/**
 * Opt-in Jakarta Bean Validation for Courier: {@link io.courier.validation.BeanValidation} is a
 * server interceptor that checks the constraints a contract declares on its parameters and
 * records ({@code @NotNull}, {@code @Size}, {@code @Positive}, {@code @Valid}, ...) and answers
 * violations with {@code INVALID_ARGUMENT}. Hibernate Validator is found on the class or module
 * path through the Bean Validation API.
 */
module io.courier.validation {
    requires transitive io.courier.core;
    requires transitive jakarta.validation;

    exports io.courier.validation;
}
