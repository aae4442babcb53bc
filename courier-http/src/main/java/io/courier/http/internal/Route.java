package io.courier.http.internal;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.PathTemplate;
import io.courier.contract.ServiceDescriptor;
import io.vertx.core.http.HttpMethod;

/**
 * One served method, resolved once at registration: what the request handler needs without
 * looking anything up per request.
 */
final class Route {
    final ServiceDescriptor service;
    final MethodDescriptor method;
    final HttpMethod httpMethod;
    final PathTemplate path;
    final ParameterDescriptor[] parameters;
    final ParameterDescriptor body;
    /**
     * Whether the method streams (a {@code Stream} parameter or result): REST carries only a
     * stream of responses (as {@link #events}); the route of any other is kept to answer 501.
     */
    final boolean streaming;
    /** Whether the method streams its responses only: they are sent as Server-Sent Events. */
    final boolean events;
    /** Whether the answer has no body: void results and one-way calls. */
    final boolean noContent;

    Route(ServiceDescriptor service, MethodDescriptor method) {
        this.service = service;
        this.method = method;
        this.httpMethod = HttpMethod.valueOf(method.httpMethod().name());
        this.path = method.path();
        this.parameters = method.parameters().toArray(ParameterDescriptor[]::new);
        this.body = method.body().orElse(null);
        this.noContent = method.returnsVoid() || method.oneWay();
        this.streaming = method.streaming() != MethodDescriptor.Streaming.NONE;
        this.events = method.streaming() == MethodDescriptor.Streaming.SERVER;
    }

    /**
     * Why REST refuses a streaming method, and what to use: for the server's 501 and the client's
     * error. A server-streaming method is served as Server-Sent Events, which the REST client does not read.
     */
    static String streamingRefusal(MethodDescriptor method) {
        if (method.streaming() == MethodDescriptor.Streaming.SERVER) {
            return method.fullName() + " streams its responses, which the REST client does not read (expected: call it"
                    + " over gRPC, a grpc:// target with courier-grpc on both sides, or read its Server-Sent Events"
                    + " with an HTTP client)";
        }
        String what = method.streaming() == MethodDescriptor.Streaming.CLIENT ? "its requests" : "its requests and responses";
        return method.fullName() + " streams " + what + ", which REST does not carry (expected: call it over gRPC,"
                + " a grpc:// target with courier-grpc on both sides)";
    }

    /**
     * Orders routes of one length so that literal segments win over variables, left to right:
     * {@code /orders/recent} is tried before {@code /orders/{id}}.
     */
    static int bySpecificity(Route a, Route b) {
        for (int i = 0; i < a.path.size(); i++) {
            boolean aLiteral = a.path.literal(i) != null;
            boolean bLiteral = b.path.literal(i) != null;
            if (aLiteral != bLiteral) {
                return aLiteral ? -1 : 1;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return httpMethod + " " + path + " -> " + method.fullName();
    }
}
