package io.courier.contract;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Consumer;

/** Names a contract method by calling it on a recording stand-in; see {@link ServiceDescriptor#select}. */
final class MethodSelection {
    private MethodSelection() {
    }

    /**
     * The remote method of {@code contract} that {@code selector} calls on a stand-in (the
     * arguments do not matter).
     *
     * @throws IllegalArgumentException if the selector calls no method, several, or one that is
     *     not a remote method of the contract
     */
    static <T> Method of(Class<T> contract, Consumer<? super T> selector) {
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
