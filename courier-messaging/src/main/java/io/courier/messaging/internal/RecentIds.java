package io.courier.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per group, the last message ids handled, oldest forgotten first: the store behind {@code ProcessedMessages.inMemory}. */
public final class RecentIds {
    private final int capacity;
    private final Map<String, Map<String, Boolean>> byGroup = new ConcurrentHashMap<>();

    public RecentIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
    }

    public boolean contains(String group, String messageId) {
        Map<String, Boolean> ids = ids(group);
        synchronized (ids) {
            return ids.containsKey(messageId);
        }
    }

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
