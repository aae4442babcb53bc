package io.courier.protobuf.internal;

/**
 * The names that records, enums and generated messages take in a {@code .proto} file. The
 * export assigns unique ones; {@link #SIMPLE} gives the simple class names, for messages.
 */
public interface SchemaNames {
    /** Simple class names, for error messages. */
    SchemaNames SIMPLE = new SchemaNames() {
        @Override
        public String messageName(Class<?> record) {
            return record.getSimpleName();
        }

        @Override
        public String enumName(Class<?> type) {
            return type.getSimpleName();
        }

        @Override
        public String generatedName(GeneratedType type) {
            return type.type().getSimpleName();
        }
    };

    String messageName(Class<?> record);

    String enumName(Class<?> type);

    String generatedName(GeneratedType type);

    /** {@code orderId} as {@code order_id}, {@code X-Request-Id} as {@code x_request_id}: Protobuf's field style. */
    static String snakeCase(String name) {
        StringBuilder b = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                char prev = i == 0 ? 0 : name.charAt(i - 1);
                if (Character.isLowerCase(prev) || Character.isDigit(prev)) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else if (c < 128 && (Character.isLetterOrDigit(c) || c == '_')) {
                b.append(c);
            } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
                b.append('_');
            }
        }
        if (b.isEmpty() || Character.isDigit(b.charAt(0))) {
            b.insert(0, "f_");
        }
        return b.toString();
    }
}
