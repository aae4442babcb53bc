package io.courier.messaging.internal;

import io.courier.messaging.ProcessedMessages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ProcessedMessages} in memory: per group, the last ids handled, oldest forgotten first. */
public final class InMemoryProcessedMessages implements ProcessedMessages {
    private final int capacity;
    private final Map<String, Map<String, Boolean>> byGroup = new ConcurrentHashMap<>();

    public InMemoryProcessedMessages(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
    }

    @Override
    public boolean contains(String group, String messageId) {
        Map<String, Boolean> ids = ids(group);
        synchronized (ids) {
            return ids.containsKey(messageId);
        }
    }

    @Override
    public void add(String group, String messageId) {
        Map<String, Boolean> ids = ids(group);
        synchronized (ids) {
            ids.put(messageId, Boolean.TRUE);
        }
    }

    private Map<String, Boolean> ids(String group) {
        return byGroup.computeIfAbsent(group, g -> new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        });
    }
}
