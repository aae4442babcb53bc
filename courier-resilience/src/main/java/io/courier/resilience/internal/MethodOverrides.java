package io.courier.resilience.internal;

import io.courier.Call;
import io.courier.contract.ServiceDescriptor;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The one mechanism behind every policy's per-method settings ({@code Retry}, {@code Hedge},
 * {@code Bulkhead}, {@code Fallback}): an immutable map from contract methods to a policy of
 * their own, chosen by a selector called on a stand-in of the contract
 * ({@code s -> s.level(0L)}); the most specific wins, the method's, else the policy's own.
 *
 * @param <P> what a method may have of its own
 */
public final class MethodOverrides<P> {
    private static final MethodOverrides<?> NONE = new MethodOverrides<>(Map.of());

    private final Map<Method, P> byMethod;

    private MethodOverrides(Map<Method, P> byMethod) {
        this.byMethod = byMethod;
    }

    /** No overrides. */
    @SuppressWarnings("unchecked")
    public static <P> MethodOverrides<P> none() {
        return (MethodOverrides<P>) NONE;
    }

    /**
     * These overrides and {@code override} for the method {@code selector} calls on a stand-in of
     * {@code contract} (replacing one it had).
     *
     * @throws IllegalArgumentException if the selector does not call exactly one remote method
     */
    public <T> MethodOverrides<P> with(Class<T> contract, Consumer<? super T> selector, P override) {
        Objects.requireNonNull(override, "override");
        Method method = ServiceDescriptor.select(contract, selector).method();
        Map<Method, P> copy = new LinkedHashMap<>(byMethod);
        copy.put(method, override);
        return new MethodOverrides<>(Collections.unmodifiableMap(copy));
    }

    /** The same methods, each override passed through {@code f} (to bind it to a shared budget, say). */
    public MethodOverrides<P> map(UnaryOperator<P> f) {
        if (byMethod.isEmpty()) {
            return this;
        }
        Map<Method, P> copy = new LinkedHashMap<>();
        byMethod.forEach((m, p) -> copy.put(m, Objects.requireNonNull(f.apply(p), "mapped override")));
        return new MethodOverrides<>(Collections.unmodifiableMap(copy));
    }

    /** The override of {@code call}'s method, else {@code otherwise}. */
    public P forCall(Call call, P otherwise) {
        return byMethod.isEmpty() ? otherwise : byMethod.getOrDefault(call.method().method(), otherwise);
    }

    /** Whether there is none. */
    public boolean isEmpty() {
        return byMethod.isEmpty();
    }

    /** How many methods have their own. */
    public int size() {
        return byMethod.size();
    }

    @Override
    public String toString() {
        return byMethod.isEmpty() ? "" : ", " + byMethod.size() + " method overrides";
    }
}
