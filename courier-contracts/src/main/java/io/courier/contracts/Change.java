package io.courier.contracts;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One difference between two versions of a contract, and where it breaks.
 *
 * @param kind        what changed
 * @param location    where, e.g. {@code orders.place request > Order.items > Item.sku}
 * @param description what changed and what a reader makes of it, in a sentence
 * @param breaks      per format, the directions in which calls fail or lose data; a format
 *                    absent from the map (or mapped to an empty set) is compatible both ways
 */
public record Change(Kind kind, String location, String description, Map<Format, Set<Direction>> breaks) {
    /** What changed. */
    public enum Kind {
        /** The service's name changed: gRPC's service path, and REST's default routes. */
        SERVICE_RENAMED,
        /** A method the old contract had is gone. */
        METHOD_REMOVED,
        /** A method the old contract lacked. */
        METHOD_ADDED,
        /** A method's HTTP verb or path changed (REST only). */
        ROUTE_CHANGED,
        /** A method streams where it did not, or no longer does. */
        STREAMING_CHANGED,
        /** A parameter the old method lacked. */
        PARAMETER_ADDED,
        /** A parameter the new method lacks. */
        PARAMETER_REMOVED,
        /** A parameter's name, position or kind (path, query, header, body) changed. */
        PARAMETER_CHANGED,
        /** A record component the old record lacked. */
        FIELD_ADDED,
        /** A record component the new record lacks. */
        FIELD_REMOVED,
        /** A component with a new name (paired by alias or by Protobuf number). */
        FIELD_RENAMED,
        /** A component's Protobuf number changed ({@code @Field}, or its position without one). */
        FIELD_RENUMBERED,
        /** A component (or parameter) that may be absent is now required, or the other way. */
        FIELD_REQUIRED_CHANGED,
        /** A value's type changed. */
        TYPE_CHANGED,
        /** A record's name changed (Avro matches records by name). */
        RECORD_RENAMED,
        /** An enum constant the old enum lacked. */
        ENUM_CONSTANT_ADDED,
        /** An enum constant the new enum lacks. */
        ENUM_CONSTANT_REMOVED,
        /** An enum constant's Protobuf number changed. */
        ENUM_CONSTANT_RENUMBERED,
        /** A Protobuf field moved into or out of a oneof (a reader of a oneof keeps one of its fields). */
        ONEOF_CHANGED,
        /** A message, record or enum that a schema file declared and no longer does (no rpc or operation uses it). */
        TYPE_REMOVED,
        /** A message, record or enum a schema file declares anew. */
        TYPE_ADDED,
        /** A contract file the old version had and the new one lacks (comparing directories of exported files). */
        FILE_REMOVED,
        /** A contract file the new version has and the old one lacked. */
        FILE_ADDED,
        /** Avro's own reader/writer check refuses a pair of schemas no other change explains. */
        AVRO_RESOLUTION
    }

    /** Copies {@code breaks}, dropping formats that break nowhere. */
    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(description, "description");
        Map<Format, Set<Direction>> copy = new EnumMap<>(Format.class);
        breaks.forEach((f, d) -> {
            if (!d.isEmpty()) {
                copy.put(f, Set.copyOf(EnumSet.copyOf(d)));
            }
        });
        breaks = Map.copyOf(copy);
    }

    /** Whether calls in {@code direction} fail or lose data in {@code format}. */
    public boolean breaks(Format format, Direction direction) {
        return breaks.getOrDefault(format, Set.of()).contains(direction);
    }

    /** Whether the change breaks anything, in any format or direction. */
    public boolean breaking() {
        return !breaks.isEmpty();
    }

    /** The formats in which {@code direction} breaks, in the order of {@link Format}. */
    public Set<Format> breakingFormats(Direction direction) {
        EnumSet<Format> formats = EnumSet.noneOf(Format.class);
        breaks.forEach((f, d) -> {
            if (d.contains(direction)) {
                formats.add(f);
            }
        });
        return formats;
    }
}
