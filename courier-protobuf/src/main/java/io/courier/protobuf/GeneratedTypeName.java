package io.courier.protobuf;

import io.courier.protobuf.internal.GeneratedType;

/** How the export refers to a protoc-generated message: by full name, importing its file. */
final class GeneratedTypeName {
    private GeneratedTypeName() {
    }

    static String of(Class<?> type) {
        return "." + GeneratedType.of(type).descriptor().getFullName();
    }

    static String importOf(Class<?> type) {
        return GeneratedType.of(type).importPath();
    }
}
