package io.courier.test;

import io.courier.contract.ServiceDescriptor;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finds the contract method a lambda calls on a recording stand-in, so that a test names a
 * method by calling it ({@code s -> s.level(0L)}) rather than by a string that a rename breaks.
 *
 * <p>courier-resilience's {@code MethodRef} does the same for per-method policies. Both stay,
 * small, because courier-test depends on courier-core alone (courier-resilience tests with it,
 * so depending on courier-resilience would be a cycle) and courier-core has no public API for
 * naming methods.
 */
final class MethodSelector {
    private MethodSelector() {
    }

    /** The remote method {@code selector} calls on a stand-in of {@code contract}. */
    static <T> Method select(Class<T> contract, Consumer<? super T> selector) {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(selector, "selector");
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        Method[] called = new Method[1];
        int[] count = new int[1];
        Object standIn = Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[] {contract},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? 0 : "stand-in of " + contract.getName();
                    }
                    called[0] = method;
                    count[0]++;
                    return zero(method.getReturnType());
                });
        selector.accept(contract.cast(standIn));
        if (count[0] != 1) {
            throw new IllegalArgumentException("selector: called " + count[0] + " methods of " + contract.getName()
                    + " (expected: exactly one, as in s -> s.get(0))");
        }
        if (service.method(called[0]).isEmpty()) {
            throw new IllegalArgumentException("selector: " + called[0].getName() + " (expected: a remote method of "
                    + contract.getName() + ")");
        }
        return called[0];
    }

    /** What the stand-in returns: null, or a primitive's zero so that unboxing in the lambda works. */
    private static Object zero(Class<?> type) {
        return type.isPrimitive() && type != void.class ? Array.get(Array.newInstance(type, 1), 0) : null;
    }
}
