package io.courier.contract;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;

/**
 * One remote operation of a contract, parsed once from its Java method: its HTTP mapping,
 * parameters, result type and call shape. Immutable and thread-safe.
 */
public final class MethodDescriptor {
    /** How the Java method returns its result. */
    public enum Shape {
        /** Returns the result (or {@code void}), blocking the caller until it arrives. */
        SYNC,
        /** Returns a {@code CompletableFuture} (or {@code CompletionStage}) of the result. */
        ASYNC
    }

    private final String serviceName;
    private final String name;
    private final Method method;
    private final HttpMethod httpMethod;
    private final PathTemplate path;
    private final List<ParameterDescriptor> parameters;
    private final ParameterDescriptor body;
    private final Type resultType;
    private final Shape shape;
    private final boolean oneWay;
    private final boolean idempotent;

    MethodDescriptor(String serviceName, Method method, HttpMethod httpMethod, PathTemplate path,
                     List<ParameterDescriptor> parameters, Type resultType, Shape shape,
                     boolean oneWay, boolean idempotent) {
        this.serviceName = serviceName;
        this.name = method.getName();
        this.method = method;
        this.httpMethod = httpMethod;
        this.path = path;
        this.parameters = List.copyOf(parameters);
        this.body = parameters.stream().filter(p -> p.kind() == ParameterDescriptor.Kind.BODY).findFirst().orElse(null);
        this.resultType = resultType;
        this.shape = shape;
        this.oneWay = oneWay;
        this.idempotent = idempotent;
    }

    /** The method's name, unique in its contract. */
    public String name() {
        return name;
    }

    /** {@code service.method}, for messages and logs. */
    public String fullName() {
        return serviceName + "." + name;
    }

    /** The Java method. */
    public Method method() {
        return method;
    }

    /** The HTTP method it is served with. */
    public HttpMethod httpMethod() {
        return httpMethod;
    }

    /** The path template it is served on. */
    public PathTemplate path() {
        return path;
    }

    /** Every parameter, in signature order. */
    public List<ParameterDescriptor> parameters() {
        return parameters;
    }

    /** The parameter carried as the body, if any. */
    public Optional<ParameterDescriptor> body() {
        return Optional.ofNullable(body);
    }

    /** The type of the result, unwrapped from any future; {@code void.class} for none. */
    public Type resultType() {
        return resultType;
    }

    /** Whether the method has no result ({@code void}, or a future of {@code Void}). */
    public boolean returnsVoid() {
        return resultType == void.class || resultType == Void.class;
    }

    /** Whether the result comes as a future. */
    public Shape shape() {
        return shape;
    }

    /** Whether the caller does not wait for the handler ({@code @OneWay}). */
    public boolean oneWay() {
        return oneWay;
    }

    /** Whether a failed call may be repeated: {@code @Idempotent}, or an idempotent HTTP method. */
    public boolean idempotent() {
        return idempotent;
    }

    @Override
    public String toString() {
        return fullName() + " (" + httpMethod + " " + path + ")";
    }
}
