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

    /**
     * Which sides of the call are a stream of messages: a {@code java.util.stream.Stream<T>}
     * result streams the responses, a {@code Stream<T>} parameter (then the only parameter)
     * streams the requests. Only stream-capable transports (gRPC) serve such methods.
     */
    public enum Streaming {
        /** One request, one response. */
        NONE,
        /** One request, a stream of responses. */
        SERVER,
        /** A stream of requests, one response. */
        CLIENT,
        /** A stream of requests and a stream of responses. */
        BIDI;

        /** Whether the requests are a stream. */
        public boolean requests() {
            return this == CLIENT || this == BIDI;
        }

        /** Whether the responses are a stream. */
        public boolean responses() {
            return this == SERVER || this == BIDI;
        }
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
    private final Streaming streaming;

    MethodDescriptor(String serviceName, Method method, HttpMethod httpMethod, PathTemplate path,
                     List<ParameterDescriptor> parameters, Type resultType, Shape shape,
                     boolean oneWay, boolean idempotent) {
        this(serviceName, method, httpMethod, path, parameters, resultType, shape, oneWay, idempotent, Streaming.NONE);
    }

    MethodDescriptor(String serviceName, Method method, HttpMethod httpMethod, PathTemplate path,
                     List<ParameterDescriptor> parameters, Type resultType, Shape shape,
                     boolean oneWay, boolean idempotent, Streaming streaming) {
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
        this.streaming = streaming;
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

    /**
     * The type of the result, unwrapped from any future; {@code void.class} for none. For a
     * method that streams its responses, the type of one response ({@code T} of {@code Stream<T>}).
     */
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

    /** Which sides of the call are streams; {@link Streaming#NONE} for ordinary calls. */
    public Streaming streaming() {
        return streaming;
    }

    /**
     * The type of one request message of a method that streams its requests ({@code T} of its
     * {@code Stream<T>} parameter); empty otherwise.
     */
    public Optional<Type> requestStreamType() {
        if (!streaming.requests()) {
            return Optional.empty();
        }
        return Optional.of(((java.lang.reflect.ParameterizedType) parameters.get(0).type()).getActualTypeArguments()[0]);
    }

    @Override
    public String toString() {
        return fullName() + " (" + httpMethod + " " + path + ")";
    }
}
