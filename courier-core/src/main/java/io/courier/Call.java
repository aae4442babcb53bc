package io.courier;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One call of a contract method as interceptors see it: which method, its arguments, its
 * {@link CallContext} and, on the client, the target it goes to. Immutable; variants by
 * {@code withX(...)}.
 */
public final class Call {
    private final ServiceDescriptor service;
    private final MethodDescriptor method;
    private final List<Object> args;
    private final CallContext context;
    private final URI target;

    private Call(ServiceDescriptor service, MethodDescriptor method, List<Object> args, CallContext context, URI target) {
        this.service = service;
        this.method = method;
        this.args = args;
        this.context = context;
        this.target = target;
    }

    /** A call of {@code method} with {@code args} (copied; elements may be null). */
    public static Call of(ServiceDescriptor service, MethodDescriptor method, Object[] args, CallContext context, URI target) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(context, "context");
        Object[] copy = args == null ? new Object[0] : args.clone();
        if (copy.length != method.parameters().size()) {
            throw new IllegalArgumentException("args: " + copy.length + " values (expected: "
                    + method.parameters().size() + " for " + method.fullName() + ")");
        }
        return new Call(service, method, Collections.unmodifiableList(Arrays.asList(copy)), context, target);
    }

    /** The contract being called. */
    public ServiceDescriptor service() {
        return service;
    }

    /** The method being called. */
    public MethodDescriptor method() {
        return method;
    }

    /** The arguments in signature order; unmodifiable, may hold nulls. */
    public List<Object> args() {
        return args;
    }

    /** The deadline, metadata and caller of the call. */
    public CallContext context() {
        return context;
    }

    /** Where the client sends the call ({@code http://host:port}, {@code inproc:name}); null on the server. */
    public URI target() {
        return target;
    }

    /** A copy with another context. */
    public Call withContext(CallContext context) {
        return new Call(service, method, args, Objects.requireNonNull(context, "context"), target);
    }

    /** A copy with another target. */
    public Call withTarget(URI target) {
        return new Call(service, method, args, context, target);
    }

    /** A copy with other arguments. */
    public Call withArgs(Object[] args) {
        return of(service, method, args, context, target);
    }

    @Override
    public String toString() {
        return "Call[" + method.fullName() + (target == null ? "" : " -> " + target) + "]";
    }
}
