package io.courier.validation.internal;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Validates a call's arguments with {@code ExecutableValidator.validateParameters} and refuses
 * it with {@link InvalidArgumentException} when a constraint is violated.
 */
public final class ValidatingInterceptor implements Interceptor {
    /**
     * Bean Validation validates a method's parameters "on an object", whose class it reads for
     * the constraints. The constraints live on the contract interface, and the implementation is
     * out of an interceptor's reach, so a do-nothing proxy of the contract stands in for it.
     */
    private static final ClassValue<Object> STAND_INS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> contract) {
            return Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[] {contract}, (proxy, m, args) -> {
                throw new UnsupportedOperationException("a stand-in for validation: " + m.getName() + " never runs");
            });
        }
    };

    private final Validator validator;

    public ValidatingInterceptor(Validator validator) {
        this.validator = validator;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        MethodDescriptor method = call.method();
        if (method.parameters().isEmpty() || method.streaming().requests()) {
            return next.proceed(call); // nothing to check; stream elements come after the call starts
        }
        Object standIn = STAND_INS.get(call.service().type());
        Set<ConstraintViolation<Object>> violations = validator.forExecutables()
                .validateParameters(standIn, method.method(), call.args().toArray());
        if (violations.isEmpty()) {
            return next.proceed(call);
        }
        return CompletableFuture.failedFuture(refusal(method, violations));
    }

    private static InvalidArgumentException refusal(MethodDescriptor method, Set<ConstraintViolation<Object>> violations) {
        List<String> problems = new ArrayList<>();
        Map<String, String> details = new LinkedHashMap<>();
        for (ConstraintViolation<Object> v : violations) {
            String path = path(method, v.getPropertyPath());
            String constraint = "@" + v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
            problems.add(path + ": " + v.getMessage() + " (" + constraint + ")");
            details.merge(path, v.getMessage(), (a, b) -> a + "; " + b);
        }
        problems.sort(null); // a set has no order; the caller's message should not flicker
        return new InvalidArgumentException(io.courier.Status.INVALID_ARGUMENT,
                method.fullName() + ": " + String.join("; ", problems), details);
    }

    /**
     * The violation's path as Courier names values: the parameter as the wire carries it
     * ({@code body order}, {@code query limit}), then the record components and indexes.
     */
    static String path(MethodDescriptor method, Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, RETURN_VALUE -> { }
                case PARAMETER -> {
                    ParameterDescriptor p = method.parameters().get(node.as(Path.ParameterNode.class).getParameterIndex());
                    out.append(p);
                }
                case CROSS_PARAMETER -> out.append("parameters");
                default -> {
                    if (node.isInIterable()) {
                        Object at = node.getIndex() != null ? node.getIndex() : node.getKey();
                        out.append('[').append(at == null ? "" : at).append(']');
                    }
                    if (node.getKind() == jakarta.validation.ElementKind.PROPERTY && node.getName() != null) {
                        out.append('.').append(node.getName());
                    }
                }
            }
        }
        return out.toString();
    }
}
