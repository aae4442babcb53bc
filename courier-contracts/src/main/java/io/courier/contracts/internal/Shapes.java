package io.courier.contracts.internal;

import java.lang.reflect.Type;

/** Facts about types that the Protobuf export decides. */
final class Shapes {
    private Shapes() {
    }

    /** Whether gRPC sends a value of {@code type} as a message of its own (a record or a generated message). */
    static boolean isMessage(Type type) {
        if (!(type instanceof Class<?> c)) {
            return false;
        }
        if (c.isRecord()) {
            return true;
        }
        for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
            if (s.getName().equals("com.google.protobuf.GeneratedMessage")
                    || s.getName().equals("com.google.protobuf.GeneratedMessageV3")) {
                return true;
            }
        }
        return false;
    }
}
