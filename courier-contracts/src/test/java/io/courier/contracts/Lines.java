package io.courier.contracts;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Changes as one line each, for tests to compare whole lists: location, kind, and where it breaks. */
final class Lines {
    private Lines() {
    }

    /** {@code proto: message a.B field 3 'q' | TYPE_CHANGED | Protobuf,gRPC: old->new, new->old}; {@code compatible} when it breaks nothing. */
    static List<String> of(List<Change> changes) {
        return changes.stream().map(Lines::line).toList();
    }

    static String line(Change c) {
        Map<String, String> byDirections = new TreeMap<>();
        for (Format f : Format.values()) {
            if (c.breaks().containsKey(f)) {
                byDirections.merge(directions(c.breaks().get(f)), f.label(), (a, b) -> a + "," + b);
            }
        }
        String breaks = byDirections.isEmpty() ? "compatible" : byDirections.entrySet().stream()
                .map(e -> e.getValue() + ": " + e.getKey()).collect(Collectors.joining("; "));
        return c.location() + " | " + c.kind() + " | " + breaks;
    }

    private static String directions(Set<Direction> d) {
        return d.stream().sorted().map(x -> x == Direction.OLD_CLIENT_NEW_SERVER ? "old->new" : "new->old")
                .collect(Collectors.joining(", "));
    }
}
