package io.courier.contract;

import java.lang.reflect.Method;
import java.util.List;

/**
 * The contract under which the messages of one channel meet interceptors (see
 * {@link ServiceDescriptor#ofChannel}). Its methods are never invoked: they give each step of an
 * event or a scatter-gather request a {@link MethodDescriptor}, so that the same
 * {@link io.courier.Interceptor} sees calls, commands and events alike.
 */
interface ChannelContract {
    /** Publishing an event: one way, and safe to repeat, since the message keeps its id. */
    void publish(Object event);

    /** A subscriber group handling an event. */
    void handle(Object event);

    /** Publishing a scatter-gather request; the result is the replies gathered. */
    Object scatter(Object request);

    /** A responder answering a scatter-gather request; the result is the reply. */
    Object respond(Object request);

    /** The descriptor of {@code channel}, whose payloads are of {@code payloadType}. */
    static ServiceDescriptor describe(String channel, Class<?> payloadType) {
        return new ServiceDescriptor(ChannelContract.class, channel, List.of(
                method(channel, "publish", "event", payloadType, void.class, MethodDescriptor.Shape.SYNC, true),
                method(channel, "handle", "event", payloadType, void.class, MethodDescriptor.Shape.SYNC, false),
                method(channel, "scatter", "request", payloadType, Object.class, MethodDescriptor.Shape.ASYNC, false),
                method(channel, "respond", "request", payloadType, Object.class, MethodDescriptor.Shape.SYNC, false)));
    }

    private static MethodDescriptor method(String channel, String name, String parameter, Class<?> payloadType,
                                           Class<?> result, MethodDescriptor.Shape shape, boolean oneWay) {
        Method m;
        try {
            m = ChannelContract.class.getMethod(name, Object.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        ParameterDescriptor body = new ParameterDescriptor(0, parameter, ParameterDescriptor.Kind.BODY, payloadType,
                null, true);
        return new MethodDescriptor(channel, m, HttpMethod.POST, PathTemplate.parse("/" + name), List.of(body), result,
                shape, oneWay, oneWay);
    }
}
