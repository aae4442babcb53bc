package io.courier.contracts.internal;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import io.courier.contracts.UnreadableContractException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares two {@link ProtoSchema}s by protobuf's own rules: fields by number (names never
 * travel), the wire type deciding which type changes a reader survives, enums by number, rpcs
 * by service and method name. One use per instance.
 */
final class ProtoDiffer {
    /** Which type changes a reader survives, writer type to reader types (besides the same type). */
    private static final Map<Type, Set<Type>> READS = Map.of(
            Type.TYPE_INT32, EnumSet.of(Type.TYPE_INT64),
            Type.TYPE_UINT32, EnumSet.of(Type.TYPE_UINT64),
            Type.TYPE_SINT32, EnumSet.of(Type.TYPE_SINT64),
            Type.TYPE_BOOL, EnumSet.of(Type.TYPE_INT32, Type.TYPE_INT64, Type.TYPE_UINT32, Type.TYPE_UINT64),
            Type.TYPE_ENUM, EnumSet.of(Type.TYPE_INT32, Type.TYPE_INT64),
            Type.TYPE_STRING, EnumSet.of(Type.TYPE_BYTES));

    /** How deep messages are compared through their fields before the input is refused. */
    static final int MAX_DEPTH = 200;

    private final ProtoSchema before;
    private final ProtoSchema after;
    private final String prefix;
    private final Set<Format> formats;
    private final Set<Format> rpcFormats;
    private final List<Change> changes = new ArrayList<>();
    private final Set<List<Object>> seen = new HashSet<>();
    private final Set<String> reachedOld = new HashSet<>();
    private final Set<String> reachedNew = new HashSet<>();
    private int depth;

    /**
     * @param prefix  put before every location: {@code proto: }, or where a generated class sits
     * @param formats the formats a message change is judged for; rpcs are judged for gRPC
     */
    ProtoDiffer(ProtoSchema before, ProtoSchema after, String prefix, Set<Format> formats) {
        this.before = before;
        this.after = after;
        this.prefix = prefix;
        this.formats = formats;
        this.rpcFormats = EnumSet.of(Format.GRPC);
    }

    /** Everything: the services and their rpcs, then the messages and enums no rpc reached. */
    List<Change> all() {
        Map<String, ServiceDescriptorProto> added = new LinkedHashMap<>(after.services());
        before.services().forEach((name, o) -> {
            ServiceDescriptorProto n = added.remove(name);
            String now = name;
            if (n == null) { // the package changed: the same service name elsewhere
                String simple = simple(name);
                now = added.keySet().stream().filter(k -> simple(k).equals(simple)).findFirst().orElse(null);
                n = now == null ? null : added.remove(now);
                if (n != null) {
                    changes.add(change(Kind.SERVICE_RENAMED, "service " + strip(name), "the gRPC service "
                            + strip(name) + " is now " + strip(now) + ": every rpc's path changes", both(rpcFormats)));
                }
            }
            service(name, now == null ? name : now, o, n);
        });
        added.values().forEach(n -> n.getMethodList().forEach(m -> reachedNew.addAll(List.of(m.getInputType(),
                m.getOutputType()))));
        added.forEach((name, n) -> n.getMethodList().forEach(m -> changes.add(change(Kind.METHOD_ADDED,
                "rpc " + strip(name) + "." + m.getName(), "rpc " + m.getName()
                        + " added: a new client calling it fails against an old server",
                only(rpcFormats, Direction.NEW_CLIENT_OLD_SERVER)))));
        before.messages().forEach((name, m) -> {
            if (reachedOld.contains(name) || isMapEntry(m)) {
                return;
            }
            if (after.messages().containsKey(name)) {
                message("", name, name, Flow.EITHER);
            } else {
                changes.add(change(Kind.TYPE_REMOVED, "message " + strip(name), "message " + strip(name)
                        + " removed (no rpc uses it; a field that did shows its own change)", Map.of()));
            }
        });
        after.messages().forEach((name, m) -> {
            if (!reachedNew.contains(name) && !before.messages().containsKey(name) && !isMapEntry(m)) {
                changes.add(change(Kind.TYPE_ADDED, "message " + strip(name), "message " + strip(name) + " added",
                        Map.of()));
            }
        });
        before.enums().forEach((name, e) -> {
            if (reachedOld.contains(name)) {
                return;
            }
            if (after.enums().containsKey(name)) {
                enumeration("", name, name, Flow.EITHER);
            } else {
                changes.add(change(Kind.TYPE_REMOVED, "enum " + strip(name), "enum " + strip(name) + " removed",
                        Map.of()));
            }
        });
        after.enums().forEach((name, e) -> {
            if (!reachedNew.contains(name) && !before.enums().containsKey(name)) {
                changes.add(change(Kind.TYPE_ADDED, "enum " + strip(name), "enum " + strip(name) + " added",
                        Map.of()));
            }
        });
        return changes();
    }

    List<Change> changes() {
        return List.copyOf(changes);
    }

    private void service(String name, String now, ServiceDescriptorProto o, ServiceDescriptorProto n) {
        Map<String, MethodDescriptorProto> added = new LinkedHashMap<>();
        if (n != null) {
            n.getMethodList().forEach(m -> added.put(m.getName(), m));
        }
        for (MethodDescriptorProto om : o.getMethodList()) {
            String at = "rpc " + strip(name) + "." + om.getName();
            MethodDescriptorProto nm = added.remove(om.getName());
            if (nm == null) {
                reachedOld.add(om.getInputType());
                reachedOld.add(om.getOutputType());
                changes.add(change(Kind.METHOD_REMOVED, at, "rpc " + om.getName()
                        + " removed: an old client calling it fails", only(rpcFormats, Direction.OLD_CLIENT_NEW_SERVER)));
                continue;
            }
            if (om.getClientStreaming() != nm.getClientStreaming()
                    || om.getServerStreaming() != nm.getServerStreaming()) {
                changes.add(change(Kind.STREAMING_CHANGED, at, "streaming changed from " + streaming(om) + " to "
                        + streaming(nm), both(rpcFormats)));
            }
            String root = simple(name) + "." + om.getName();
            messageOrType(root + " request > ", at + " request", om.getInputType(), nm.getInputType(), Flow.REQUEST);
            messageOrType(root + " response > ", at + " response", om.getOutputType(), nm.getOutputType(),
                    Flow.RESPONSE);
        }
        added.values().forEach(m -> reachedNew.addAll(List.of(m.getInputType(), m.getOutputType())));
        added.values().forEach(m -> changes.add(change(Kind.METHOD_ADDED, "rpc " + strip(now) + "." + m.getName(),
                "rpc " + m.getName() + " added: a new client calling it fails against an old server",
                only(rpcFormats, Direction.NEW_CLIENT_OLD_SERVER))));
    }

    private void messageOrType(String root, String at, String o, String n, Flow flow) {
        if (before.messages().containsKey(o) && after.messages().containsKey(n)) {
            message(root, o, n, flow);
        } else if (!o.equals(n)) {
            changes.add(change(Kind.TYPE_CHANGED, at, "type " + strip(o) + " -> " + strip(n)
                    + " (at least one declared elsewhere, so compared by name)", both(rpcFormats)));
        }
    }

    // ---- messages -------------------------------------------------------------------------------

    /**
     * Compares message {@code o} of the old schema with {@code n} of the new, as written by
     * {@code flow}'s writer; {@code root} goes before the locations ({@code Orders.Place request > }).
     */
    void message(String root, String o, String n, Flow flow) {
        reachedOld.add(o);
        reachedNew.add(n);
        if (!seen.add(List.of(o, n, flow))) {
            return;
        }
        if (depth >= MAX_DEPTH) { // a chain of messages, each a field of the one before: the stack is bounded
            throw new UnreadableContractException(prefix + root + "message " + strip(n), 0, 0, "messages nested"
                    + " more than " + MAX_DEPTH + " deep through their fields (expected: at most " + MAX_DEPTH + ")");
        }
        depth++;
        try {
            fields(root, o, n, flow);
        } finally {
            depth--;
        }
    }

    private void fields(String root, String o, String n, Flow flow) {
        DescriptorProto om = before.messages().get(o);
        DescriptorProto nm = after.messages().get(n);
        String here = root + "message " + strip(n);
        List<FieldDescriptorProto> left = new ArrayList<>(om.getFieldList());
        List<FieldDescriptorProto> right = new ArrayList<>(nm.getFieldList());
        for (FieldDescriptorProto p : List.copyOf(left)) { // same number, same name
            right.stream().filter(q -> q.getNumber() == p.getNumber() && q.getName().equals(p.getName())).findFirst()
                    .ifPresent(q -> {
                        left.remove(p);
                        right.remove(q);
                        field(root, here + " field " + q.getNumber() + " '" + q.getName() + "'", om, nm, p, q, flow);
                    });
        }
        for (FieldDescriptorProto p : List.copyOf(left)) { // same name, another number
            right.stream().filter(q -> q.getName().equals(p.getName())).findFirst().ifPresent(q -> {
                left.remove(p);
                right.remove(q);
                String at = here + " field '" + q.getName() + "'";
                changes.add(change(Kind.FIELD_RENUMBERED, at, "number " + p.getNumber() + " -> " + q.getNumber()
                        + ": Protobuf matches fields by number, so each side reads the other's as unknown",
                        both(formats)));
            });
        }
        for (FieldDescriptorProto p : List.copyOf(left)) { // same number, another name
            right.stream().filter(q -> q.getNumber() == p.getNumber()).findFirst().ifPresent(q -> {
                left.remove(p);
                right.remove(q);
                String at = here + " field " + q.getNumber() + " '" + p.getName() + "'";
                changes.add(change(Kind.FIELD_RENAMED, at, "renamed '" + q.getName()
                        + "' (the binary format sends numbers, not names)", Map.of()));
                field(root, here + " field " + q.getNumber() + " '" + q.getName() + "'", om, nm, p, q, flow);
            });
        }
        for (FieldDescriptorProto p : left) {
            reachedOld.add(p.getTypeName());
            boolean required = p.getLabel() == Label.LABEL_REQUIRED;
            boolean reserved = reserved(nm, p);
            changes.add(change(Kind.FIELD_REMOVED, here + " field " + p.getNumber() + " '" + p.getName() + "'",
                    "removed" + (required ? ": it was required, so an old reader refuses a new writer's message"
                            : ": an old reader reads it as unset")
                            + (reserved ? "" : " (reserve " + p.getNumber() + " and '" + p.getName()
                            + "' so that no later field reuses them)"),
                    required ? breaks(formats, flow.when(false)) : Map.of()));
        }
        for (FieldDescriptorProto q : right) {
            reachedNew.add(q.getTypeName());
            boolean required = q.getLabel() == Label.LABEL_REQUIRED;
            changes.add(change(Kind.FIELD_ADDED, here + " field " + q.getNumber() + " '" + q.getName() + "'",
                    "added, " + describe(after, q) + (required
                            ? ", required: a new reader refuses an old writer's message, which lacks it"
                            : ": an old reader skips it; a new reader reads an old writer's message as without it"),
                    required ? breaks(formats, flow.when(true)) : Map.of()));
        }
    }

    private void field(String root, String at, DescriptorProto om, DescriptorProto nm, FieldDescriptorProto p,
                       FieldDescriptorProto q, Flow flow) {
        reachedOld.add(p.getTypeName());
        reachedNew.add(q.getTypeName());
        boolean pRequired = p.getLabel() == Label.LABEL_REQUIRED;
        boolean qRequired = q.getLabel() == Label.LABEL_REQUIRED;
        if (pRequired != qRequired) {
            changes.add(change(Kind.FIELD_REQUIRED_CHANGED, at, qRequired
                    ? "now required: a new reader refuses an old writer's message without it"
                    : "no longer required: an old reader refuses a new writer's message without it",
                    breaks(formats, flow.when(qRequired))));
        }
        boolean pRepeated = p.getLabel() == Label.LABEL_REPEATED;
        boolean qRepeated = q.getLabel() == Label.LABEL_REPEATED;
        boolean pMap = isMap(before, p);
        boolean qMap = isMap(after, q);
        if (pMap || qMap) {
            if (pMap != qMap) {
                changes.add(change(Kind.TYPE_CHANGED, at, "type " + describe(before, p) + " -> " + describe(after, q),
                        both(formats)));
            } else {
                DescriptorProto pe = before.messages().get(p.getTypeName());
                DescriptorProto qe = after.messages().get(q.getTypeName());
                type(root, at + " key", pe.getField(0), qe.getField(0), flow);
                type(root, at + " value", pe.getField(1), qe.getField(1), flow);
            }
            return;
        }
        if (pRepeated != qRepeated) {
            // A repeated reader takes a single value as a list of one; a single reader keeps the last of a list.
            changes.add(change(Kind.TYPE_CHANGED, at, "label " + (pRepeated ? "repeated -> singular" : "singular"
                    + " -> repeated") + ": a singular reader keeps only the last of a list",
                    breaks(formats, flow.when(pRepeated))));
        }
        oneof(at, om, nm, p, q, flow);
        type(root, at, p, q, flow);
    }

    /** Moving into a oneof shared with other fields loses all but one; moving out, the other way. */
    private void oneof(String at, DescriptorProto om, DescriptorProto nm, FieldDescriptorProto p,
                       FieldDescriptorProto q, Flow flow) {
        String was = oneofName(om, p);
        String is = oneofName(nm, q);
        if (was.equals(is)) {
            return;
        }
        boolean intoShared = !is.isEmpty() && nm.getFieldList().stream().filter(f -> oneofName(nm, f).equals(is))
                .count() > 1;
        boolean outOfShared = !was.isEmpty() && om.getFieldList().stream().filter(f -> oneofName(om, f).equals(was))
                .count() > 1;
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (intoShared) {
            d.addAll(flow.when(true));
        }
        if (outOfShared) {
            d.addAll(flow.when(false));
        }
        changes.add(change(Kind.ONEOF_CHANGED, at, "oneof " + (was.isEmpty() ? "(none)" : "'" + was + "'")
                + " -> " + (is.isEmpty() ? "(none)" : "'" + is + "'")
                + (d.isEmpty() ? "" : ": a reader of a oneof keeps only the last of its fields a writer sent"),
                breaks(formats, d)));
    }

    private void type(String root, String at, FieldDescriptorProto p, FieldDescriptorProto q, Flow flow) {
        Type a = p.getType();
        Type b = q.getType();
        if (a == Type.TYPE_MESSAGE && b == Type.TYPE_MESSAGE) {
            if (before.messages().containsKey(p.getTypeName()) && after.messages().containsKey(q.getTypeName())) {
                message(root, p.getTypeName(), q.getTypeName(), flow);
            } else if (!p.getTypeName().equals(q.getTypeName())) {
                changes.add(change(Kind.TYPE_CHANGED, at, "type " + describe(before, p) + " -> " + describe(after, q)
                        + " (declared elsewhere: compared by name)", both(formats)));
            }
            return;
        }
        if (a == Type.TYPE_ENUM && b == Type.TYPE_ENUM) {
            if (before.enums().containsKey(p.getTypeName()) && after.enums().containsKey(q.getTypeName())) {
                enumeration(root, p.getTypeName(), q.getTypeName(), flow);
            } else if (!p.getTypeName().equals(q.getTypeName())) {
                changes.add(change(Kind.TYPE_CHANGED, at, "type " + describe(before, p) + " -> " + describe(after, q)
                        + " (declared elsewhere: compared by name)", both(formats)));
            }
            return;
        }
        if (a == b) {
            return;
        }
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (!READS.getOrDefault(a, Set.of()).contains(b)) {
            d.addAll(flow.when(true));
        }
        if (!READS.getOrDefault(b, Set.of()).contains(a)) {
            d.addAll(flow.when(false));
        }
        changes.add(change(Kind.TYPE_CHANGED, at, "type " + describe(before, p) + " -> " + describe(after, q)
                + (d.isEmpty() ? "" : d.size() == 2 || flow == Flow.EITHER
                ? ": neither reads the other's value (another wire type, or another meaning of the same bits)"
                : ": only the wider reader reads the other's value"), breaks(formats, d)));
    }

    /** Compares enum {@code o} of the old schema with {@code n} of the new, as {@link #message} does messages. */
    void enumeration(String root, String o, String n, Flow flow) {
        reachedOld.add(o);
        reachedNew.add(n);
        if (!seen.add(List.of(o, n, flow))) {
            return;
        }
        String here = root + "enum " + strip(n);
        Map<String, Integer> left = values(before.enums().get(o));
        Map<String, Integer> right = values(after.enums().get(n));
        left.forEach((c, number) -> {
            Integer now = right.get(c);
            if (now == null) {
                boolean kept = right.containsValue(number);
                changes.add(change(Kind.ENUM_CONSTANT_REMOVED, here + " value " + c, "removed (" + number + ")"
                        + (kept ? ": another value has its number, which a new reader reads as that"
                        : ": a new reader gets an unknown number from an old writer"),
                        kept ? Map.of() : breaks(formats, flow.when(true))));
            } else if (!now.equals(number)) {
                changes.add(change(Kind.ENUM_CONSTANT_RENUMBERED, here + " value " + c, "number " + number + " -> "
                        + now + ": Protobuf sends the number", both(formats)));
            }
        });
        right.forEach((c, number) -> {
            if (!left.containsKey(c)) {
                boolean known = left.containsValue(number);
                changes.add(change(Kind.ENUM_CONSTANT_ADDED, here + " value " + c, "added (" + number + ")"
                        + (known ? ": an old reader knows its number by another name"
                        : ": an old reader gets a number it does not know (UNRECOGNIZED in Java)"),
                        known ? Map.of() : breaks(formats, flow.when(false))));
            }
        });
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Map<String, Integer> values(EnumDescriptorProto e) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (EnumValueDescriptorProto v : e.getValueList()) {
            m.put(v.getName(), v.getNumber());
        }
        return m;
    }

    private static boolean reserved(DescriptorProto m, FieldDescriptorProto f) {
        return m.getReservedNameList().contains(f.getName()) && m.getReservedRangeList().stream()
                .anyMatch(r -> r.getStart() <= f.getNumber() && f.getNumber() < r.getEnd());
    }

    private static String oneofName(DescriptorProto m, FieldDescriptorProto f) {
        return !f.hasOneofIndex() || f.getProto3Optional() ? "" : m.getOneofDecl(f.getOneofIndex()).getName();
    }

    private static boolean isMap(ProtoSchema s, FieldDescriptorProto f) {
        DescriptorProto m = f.getType() == Type.TYPE_MESSAGE ? s.messages().get(f.getTypeName()) : null;
        return f.getLabel() == Label.LABEL_REPEATED && m != null && isMapEntry(m);
    }

    private static boolean isMapEntry(DescriptorProto m) {
        return m.getOptions().getMapEntry();
    }

    /** {@code int32}, {@code repeated orders.Item}, {@code map<string, int64>}. */
    private static String describe(ProtoSchema s, FieldDescriptorProto f) {
        if (isMap(s, f)) {
            DescriptorProto e = s.messages().get(f.getTypeName());
            return "map<" + typeName(e.getField(0)) + ", " + typeName(e.getField(1)) + ">";
        }
        return (f.getLabel() == Label.LABEL_REPEATED ? "repeated " : "") + typeName(f);
    }

    private static String typeName(FieldDescriptorProto f) {
        return f.getType() == Type.TYPE_MESSAGE || f.getType() == Type.TYPE_ENUM ? strip(f.getTypeName())
                : f.getType().name().substring("TYPE_".length()).toLowerCase(Locale.ROOT);
    }

    private static String streaming(MethodDescriptorProto m) {
        return (m.getClientStreaming() ? "stream " : "") + "request, " + (m.getServerStreaming() ? "stream " : "")
                + "response";
    }

    private static String strip(String name) {
        return name.startsWith(".") ? name.substring(1) : name;
    }

    private static String simple(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private Change change(Kind kind, String at, String description, Map<Format, Set<Direction>> breaks) {
        return new Change(kind, prefix + at, description, breaks);
    }

    private static Map<Format, Set<Direction>> breaks(Set<Format> formats, Set<Direction> d) {
        Map<Format, Set<Direction>> m = new EnumMap<>(Format.class);
        formats.forEach(f -> m.put(f, d));
        return m;
    }

    private static Map<Format, Set<Direction>> both(Set<Format> formats) {
        return breaks(formats, EnumSet.allOf(Direction.class));
    }

    private static Map<Format, Set<Direction>> only(Set<Format> formats, Direction d) {
        return breaks(formats, EnumSet.of(d));
    }
}
