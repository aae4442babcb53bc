package io.courier.messaging.internal;

import io.courier.contract.ChannelUse;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The channel uses one {@code Messaging} has shown, in the order first seen. Thread-safe. */
public final class ChannelUses {
    private final Set<ChannelUse> seen = new LinkedHashSet<>();
    // Publishes are recorded on every call: a lock-free lookup that allocates nothing keeps that cheap.
    private final java.util.concurrent.ConcurrentHashMap<String, Set<Class<?>>> published =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Set<Class<?>>> scattered =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void published(String channel, Class<?> type) {
        if (firstTime(published, channel, type)) {
            add(new ChannelUse(channel, ChannelUse.Kind.PUBLISH, "publish", type, Optional.empty(), Optional.empty()));
        }
    }

    public void scattered(String channel, Class<?> type, Class<?> replyType) {
        if (firstTime(scattered, channel, type)) {
            add(new ChannelUse(channel, ChannelUse.Kind.SCATTER, "scatter", type, Optional.of(replyType), Optional.empty()));
        }
    }

    private static boolean firstTime(java.util.concurrent.ConcurrentHashMap<String, Set<Class<?>>> seen, String channel,
                                     Class<?> type) {
        Set<Class<?>> types = seen.get(channel);
        if (types != null && types.contains(type)) {
            return false;
        }
        return seen.computeIfAbsent(channel, c -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(type);
    }

    public void subscribed(String channel, Class<?> type, String group) {
        add(new ChannelUse(channel, ChannelUse.Kind.SUBSCRIBE, "handle", type, Optional.empty(), Optional.of(group)));
    }

    public void responds(String channel, Class<?> type, String responder) {
        add(new ChannelUse(channel, ChannelUse.Kind.RESPOND, "respond", type, Optional.of(Object.class),
                Optional.of(responder)));
    }

    /** Every method of a command contract, sent or handled on its command channel. */
    public void commands(ServiceDescriptor service, String channel, boolean handled) {
        for (MethodDescriptor m : service.methods()) {
            Type payload = m.body().map(ParameterDescriptor::type).orElse(Void.class);
            Optional<Type> reply = m.returnsVoid() || m.oneWay() ? Optional.empty() : Optional.of(m.resultType());
            add(new ChannelUse(channel, handled ? ChannelUse.Kind.HANDLE_COMMAND : ChannelUse.Kind.SEND_COMMAND,
                    m.fullName(), payload, reply, handled ? Optional.of(service.name()) : Optional.empty()));
        }
    }

    private synchronized void add(ChannelUse use) {
        seen.add(use);
    }

    public synchronized List<ChannelUse> list() {
        return List.copyOf(new ArrayList<>(seen));
    }
}
