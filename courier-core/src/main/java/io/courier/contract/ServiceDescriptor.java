package io.courier.contract;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A contract interface, parsed and validated once: its name and its remote methods.
 * Obtain one with {@link #of(Class)}; instances are cached, immutable and thread-safe.
 */
public final class ServiceDescriptor {
    private final Class<?> type;
    private final String name;
    private final List<MethodDescriptor> methods;
    private final Map<Method, MethodDescriptor> byMethod;
    private final Map<String, MethodDescriptor> byName;

    ServiceDescriptor(Class<?> type, String name, List<MethodDescriptor> methods) {
        this.type = type;
        this.name = name;
        this.methods = List.copyOf(methods);
        Map<Method, MethodDescriptor> m = new LinkedHashMap<>();
        Map<String, MethodDescriptor> n = new LinkedHashMap<>();
        for (MethodDescriptor d : methods) {
            m.put(d.method(), d);
            n.put(d.name(), d);
        }
        this.byMethod = Map.copyOf(m);
        this.byName = Map.copyOf(n);
    }

    /**
     * The descriptor of a contract interface, parsed on first use and cached.
     *
     * @throws InvalidContractException naming the interface, method and problem
     */
    public static ServiceDescriptor of(Class<?> contract) {
        return ContractParser.describe(contract);
    }

    /**
     * How the messages of {@code channel} meet interceptors: a service named after the channel,
     * with the methods {@code publish} (one way; safe to repeat, since a message keeps its id)
     * and {@code handle} for events, and {@code scatter} and {@code respond} for scatter-gather
     * requests, each taking the payload, of {@code payloadType}, as its one argument. So one
     * {@link io.courier.Interceptor} sees REST and gRPC calls, commands and events alike:
     * {@code call.service().name()} is the channel and {@code call.method().name()} the step.
     * Its {@link #type()} is an internal interface whose methods are never invoked.
     */
    public static ServiceDescriptor ofChannel(String channel, Class<?> payloadType) {
        if (channel == null || channel.isEmpty()) {
            throw new IllegalArgumentException("channel: " + (channel == null ? "null" : "\"\"")
                    + " (expected: a non-empty string)");
        }
        return ChannelContract.describe(channel, java.util.Objects.requireNonNull(payloadType, "payloadType"));
    }

    /**
     * The remote method of {@code contract} that {@code selector} calls, naming a method by
     * calling it ({@code s -> s.level(0L)}) on a stand-in that records the call, so a per-method
     * setting follows a rename or breaks the build, where a method name in a string fails at run
     * time. The arguments passed do not matter.
     *
     * @throws IllegalArgumentException if the selector calls no method, several, or one that is
     *     not a remote method of the contract
     */
    public static <T> MethodDescriptor select(Class<T> contract, java.util.function.Consumer<? super T> selector) {
        return of(contract).method(MethodSelection.of(contract, selector)).orElseThrow();
    }

    /** The contract interface. */
    public Class<?> type() {
        return type;
    }

    /** The service's name ({@code @Service} value, or the interface's decapitalised simple name). */
    public String name() {
        return name;
    }

    /** The remote methods in declaration order. */
    public List<MethodDescriptor> methods() {
        return methods;
    }

    /** The descriptor of a Java method of the contract, if it is a remote method. */
    public Optional<MethodDescriptor> method(Method method) {
        return Optional.ofNullable(byMethod.get(method));
    }

    /** The remote method with this name, if any. */
    public Optional<MethodDescriptor> method(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public String toString() {
        return "ServiceDescriptor[" + name + " (" + type.getName() + "), " + methods.size() + " methods]";
    }
}
