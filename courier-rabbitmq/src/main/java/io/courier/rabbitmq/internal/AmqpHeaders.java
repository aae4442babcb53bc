package io.courier.rabbitmq.internal;

import io.courier.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Courier's string headers as AMQP table fields and back: one value as a string, several
 * values of one name as an array, so that a repeated header keeps every value in order.
 */
public final class AmqpHeaders {
    private AmqpHeaders() {
    }

    /** The AMQP table of {@code headers}, without those named in {@code skip}. */
    public static Map<String, Object> write(Metadata headers, Set<String> skip) {
        Map<String, Object> table = new HashMap<>();
        headers.forEach((name, value) -> {
            if (skip.contains(name)) {
                return;
            }
            Object earlier = table.putIfAbsent(name, value);
            if (earlier instanceof String first) { // a second value: the header becomes a list
                List<Object> values = new ArrayList<>(2);
                values.add(first);
                values.add(value);
                table.put(name, values);
            } else if (earlier != null) {
                @SuppressWarnings("unchecked")
                List<Object> values = (List<Object>) earlier;
                values.add(value);
            }
        });
        return table;
    }

    /**
     * Adds the headers of an AMQP table to {@code b}; byte arrays as their UTF-8 text, like long
     * strings; values of other types (numbers, booleans) as their text.
     */
    public static void readInto(Map<String, Object> table, Metadata.Builder b) {
        table.forEach((name, value) -> {
            if (value instanceof List<?> list) {
                for (Object v : list) {
                    b.add(name, text(v));
                }
            } else if (value != null) {
                b.add(name, text(value));
            }
        });
    }

    private static String text(Object value) {
        // Not byte[]'s toString, a different identity on every delivery: ids and keys must read the same each time.
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(value); // LongString.toString is its UTF-8 text
    }
}
