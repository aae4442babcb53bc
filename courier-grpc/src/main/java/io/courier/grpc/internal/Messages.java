package io.courier.grpc.internal;

import io.courier.contract.MethodDescriptor;
import java.lang.reflect.Type;

/** What the request message of a method is: shared by the JSON and Protobuf formats. */
enum Messages {
    /** No parameters: an empty message. */
    EMPTY,
    /** One parameter that is itself a message (a record or a protoc-generated class): that message. */
    MESSAGE,
    /** Otherwise a message whose fields are the parameters in signature order. */
    FIELDS,
    /** Requests are streamed: each message is one element. */
    ELEMENT;

    static Messages of(MethodDescriptor method) {
        if (method.streaming().requests()) {
            return ELEMENT;
        }
        if (method.parameters().isEmpty()) {
            return EMPTY;
        }
        if (method.parameters().size() == 1 && isMessage(method.parameters().get(0).type())) {
            return MESSAGE;
        }
        return FIELDS;
    }

    static boolean isMessage(Type type) {
        return type instanceof Class<?> c && (c.isRecord() || isGenerated(c));
    }

    static boolean isGenerated(Class<?> c) {
        return com.google.protobuf.Message.class.isAssignableFrom(c);
    }
}
