package io.courier.contracts.internal;

import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import io.courier.protobuf.ProtoService;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks two versions of a contract side by side; one use per instance. */
public final class Differ {
    private static final Set<Format> REST = EnumSet.of(Format.JSON, Format.XML, Format.PROTOBUF, Format.AVRO);
    private static final Set<Format> ALL = EnumSet.allOf(Format.class);
    private static final Set<Format> BY_NAME = EnumSet.of(Format.JSON, Format.XML);
    private static final Set<Format> BY_NUMBER = EnumSet.of(Format.PROTOBUF, Format.GRPC);

    /** Who writes a value: the client (a request) or the server (a response). */
    enum Usage { REQUEST, RESPONSE }

    private final ServiceDescriptor before;
    private final ServiceDescriptor after;
    private final List<Change> changes = new ArrayList<>();
    // Record and enum pairs already compared for one method and usage: recursive records end.
    private final Set<List<Object>> seen = new HashSet<>();

    public Differ(Class<?> oldContract, Class<?> newContract) {
        this.before = ServiceDescriptor.of(oldContract);
        this.after = ServiceDescriptor.of(newContract);
    }

    public List<Change> changes() {
        String oldGrpc = ProtoService.defaultPackage(before.name()) + "." + before.type().getSimpleName();
        String newGrpc = ProtoService.defaultPackage(after.name()) + "." + after.type().getSimpleName();
        if (!oldGrpc.equals(newGrpc)) {
            changes.add(new Change(Kind.SERVICE_RENAMED, after.name(), "the gRPC service " + oldGrpc + " is now "
                    + newGrpc + ": every rpc's path changes", both(EnumSet.of(Format.GRPC))));
        }
        Map<String, MethodDescriptor> added = new LinkedHashMap<>();
        after.methods().forEach(m -> added.put(m.name(), m));
        for (MethodDescriptor o : before.methods()) {
            MethodDescriptor n = added.remove(o.name());
            if (n == null) {
                changes.add(new Change(Kind.METHOD_REMOVED, before.name() + "." + o.name(),
                        "method " + o.name() + " removed: an old client calling it fails",
                        only(ALL, Direction.OLD_CLIENT_NEW_SERVER)));
            } else {
                method(o, n);
            }
        }
        added.values().forEach(n -> changes.add(new Change(Kind.METHOD_ADDED, after.name() + "." + n.name(),
                "method " + n.name() + " added: a new client calling it fails against an old server",
                only(ALL, Direction.NEW_CLIENT_OLD_SERVER))));
        return List.copyOf(changes);
    }

    // ---- methods ----------------------------------------------------------------------------

    private void method(MethodDescriptor o, MethodDescriptor n) {
        String at = after.name() + "." + n.name();
        seen.clear();
        String oldRoute = o.httpMethod() + " " + o.path().template();
        String newRoute = n.httpMethod() + " " + n.path().template();
        if (!oldRoute.equals(newRoute)) {
            changes.add(new Change(Kind.ROUTE_CHANGED, at, "REST route " + oldRoute + " is now " + newRoute
                    + " (gRPC addresses the rpc by name and is unaffected)", both(REST)));
        }
        if (o.streaming().requests() != n.streaming().requests()
                || o.streaming().responses() != n.streaming().responses()) {
            changes.add(new Change(Kind.STREAMING_CHANGED, at, "streaming changed from " + o.streaming() + " to "
                    + n.streaming(), both(ALL)));
        }
        parameters(at, o, n);
        if (o.returnsVoid() != n.returnsVoid()) {
            changes.add(new Change(Kind.TYPE_CHANGED, at + " result", "result changed from "
                    + name(o.resultType()) + " to " + name(n.resultType()), both(ALL)));
        } else if (!n.returnsVoid()) {
            type(at + " result", o.resultType(), n.resultType(), Usage.RESPONSE, false);
        }
    }

    private void parameters(String at, MethodDescriptor o, MethodDescriptor n) {
        List<ParameterDescriptor> left = new ArrayList<>(o.parameters());
        List<ParameterDescriptor> right = new ArrayList<>(n.parameters());
        Map<ParameterDescriptor, ParameterDescriptor> pairs = new LinkedHashMap<>();
        for (ParameterDescriptor p : List.copyOf(left)) { // by name, then body with body
            right.stream().filter(q -> q.name().equals(p.name())).findFirst().ifPresent(q -> {
                pairs.put(p, q);
                left.remove(p);
                right.remove(q);
            });
        }
        for (ParameterDescriptor p : List.copyOf(left)) {
            right.stream().filter(q -> q.kind() == p.kind() && q.index() == p.index()).findFirst().ifPresent(q -> {
                pairs.put(p, q);
                left.remove(p);
                right.remove(q);
            });
        }
        boolean oldFields = grpcFields(o);
        boolean newFields = grpcFields(n);
        if (oldFields != newFields) {
            changes.add(new Change(Kind.PARAMETER_CHANGED, at + " request", "the gRPC request is "
                    + (newFields ? "now a message of the parameters, no longer the record itself"
                    : "now the record itself, no longer a message of the parameters"), both(EnumSet.of(Format.GRPC))));
        }
        pairs.forEach((p, q) -> {
            String where = at + "(" + q.name() + ")";
            if (p.kind() != q.kind()) {
                changes.add(new Change(Kind.PARAMETER_CHANGED, where, "parameter " + p.name() + " moved from "
                        + kind(p) + " to " + kind(q), both(REST)));
            } else if (!p.name().equals(q.name()) && (q.kind() == ParameterDescriptor.Kind.QUERY
                    || q.kind() == ParameterDescriptor.Kind.HEADER)) {
                changes.add(new Change(Kind.PARAMETER_CHANGED, where, kind(p) + " parameter " + p.name()
                        + " renamed " + q.name() + ": REST sends it by name", both(REST)));
            }
            if (oldFields && newFields && p.index() != q.index()) {
                changes.add(new Change(Kind.PARAMETER_CHANGED, where, "parameter " + q.name() + " moved from "
                        + (p.index() + 1) + " to " + (q.index() + 1) + ": its field number in the gRPC request",
                        both(EnumSet.of(Format.GRPC))));
            }
            if (p.required() != q.required()) {
                changes.add(new Change(Kind.FIELD_REQUIRED_CHANGED, where, "parameter " + q.name()
                        + (q.required() ? " is now required: an old client may leave it out"
                        : " may now be absent: an old server refuses a new client leaving it out"),
                        only(ALL, q.required() ? Direction.OLD_CLIENT_NEW_SERVER : Direction.NEW_CLIENT_OLD_SERVER)));
            }
            type(where, p.type(), q.type(), Usage.REQUEST, false);
        });
        for (ParameterDescriptor p : left) {
            changes.add(new Change(Kind.PARAMETER_REMOVED, at + "(" + p.name() + ")", kind(p) + " parameter "
                    + p.name() + " removed" + (p.required()
                    ? ": an old server refuses a new client that no longer sends it" : ""),
                    p.required() ? only(ALL, Direction.NEW_CLIENT_OLD_SERVER) : Map.of()));
        }
        for (ParameterDescriptor q : right) {
            changes.add(new Change(Kind.PARAMETER_ADDED, at + "(" + q.name() + ")", kind(q) + " parameter "
                    + q.name() + " added" + (q.required()
                    ? ", required: the new server refuses an old client, which never sends it"
                    : ", optional: an old client leaving it out still works"),
                    q.required() ? only(ALL, Direction.OLD_CLIENT_NEW_SERVER) : Map.of()));
        }
    }

    /** Whether gRPC wraps the method's parameters in a request message of their own (numbered by position). */
    private static boolean grpcFields(MethodDescriptor m) {
        if (m.requestStreamType().isPresent() || m.parameters().isEmpty()) {
            return false;
        }
        return !(m.parameters().size() == 1 && Shapes.isMessage(m.parameters().get(0).type()));
    }

    private static String kind(ParameterDescriptor p) {
        return p.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- values -----------------------------------------------------------------------------

    /**
     * Compares two values' types. {@code branch} says whether the value is a branch of an Avro
     * union ({@code ["null", T]}: an {@code Optional}, or a record's component), where Avro picks
     * a record or enum by its full name.
     */
    private void type(String at, Type o, Type n, Usage usage, boolean branch) {
        Shape a = Shape.of(o);
        Shape b = Shape.of(n);
        if (a.kind() == Shape.Kind.OPTIONAL || b.kind() == Shape.Kind.OPTIONAL) {
            type(at, a.kind() == Shape.Kind.OPTIONAL ? a.element() : o, b.kind() == Shape.Kind.OPTIONAL
                    ? b.element() : n, usage, true);
            return;
        }
        if (GeneratedTypes.is(a.raw()) && GeneratedTypes.is(b.raw())) {
            generated(at, a.raw(), b.raw(), usage);
            return;
        }
        if (a.kind() != b.kind()) {
            scalar(at, a, b, usage);
            return;
        }
        switch (a.kind()) {
            case LIST -> type(at + "[]", a.element(), b.element(), usage, false);
            case MAP -> type(at + "{}", a.element(), b.element(), usage, false);
            case RECORD -> record(at, a.raw(), b.raw(), usage, branch);
            case ENUM -> enumeration(at, a.raw(), b.raw(), usage, branch);
            default -> scalar(at, a, b, usage);
        }
    }

    /**
     * Two protoc-generated messages or enums, compared through their descriptors by Protobuf's
     * rules (fields by number, wire types, enum numbers). Courier sends them only in Protobuf.
     */
    private void generated(String at, Class<?> o, Class<?> n, Usage usage) {
        if (!seen.add(List.of(o, n, usage))) {
            return;
        }
        if (GeneratedTypes.isEnum(o) != GeneratedTypes.isEnum(n)) {
            changes.add(new Change(Kind.TYPE_CHANGED, at, "type changed from " + o.getName() + " to " + n.getName(),
                    both(BY_NUMBER)));
            return;
        }
        ProtoDiffer d = new ProtoDiffer(GeneratedTypes.schema(o), GeneratedTypes.schema(n), at + " > ", BY_NUMBER);
        Flow flow = usage == Usage.REQUEST ? Flow.REQUEST : Flow.RESPONSE;
        if (GeneratedTypes.isEnum(o)) {
            d.enumeration("", GeneratedTypes.fullName(o), GeneratedTypes.fullName(n), flow);
        } else {
            d.message("", GeneratedTypes.fullName(o), GeneratedTypes.fullName(n), flow);
        }
        changes.addAll(d.changes());
    }

    private void scalar(String at, Shape a, Shape b, Usage usage) {
        if (a.kind() == b.kind() && a.scalar().equals(b.scalar())) {
            return;
        }
        // Writer old, reader new; and writer new, reader old.
        Map<Format, Set<Direction>> breaks = new EnumMap<>(Format.class);
        for (Format f : ALL) {
            EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
            if (!Shape.promotes(a, b, f)) {
                d.add(direction(usage, true));
            }
            if (!Shape.promotes(b, a, f)) {
                d.add(direction(usage, false));
            }
            breaks.put(f, d);
        }
        changes.add(new Change(Kind.TYPE_CHANGED, at, "type changed from " + a.describe() + " to " + b.describe(),
                breaks));
    }

    private void record(String at, Class<?> o, Class<?> n, Usage usage, boolean branch) {
        if (!seen.add(List.of(o, n, usage))) {
            return;
        }
        named(at, "record", o, n, usage, branch);
        String here = at + " > " + n.getSimpleName();
        List<Components.Component> left = new ArrayList<>(Components.of(o));
        List<Components.Component> right = new ArrayList<>(Components.of(n));
        Map<Components.Component, Components.Component> pairs = new LinkedHashMap<>();
        pair(left, right, pairs, (p, q) -> p.name().equals(q.name()));
        pair(left, right, pairs, (p, q) -> p.jsonName().equals(q.jsonName()));
        pair(left, right, pairs, (p, q) -> q.aliases().contains(p.name()) || p.aliases().contains(q.name()));
        // Same number and same type: a rename the JSON names do not show (Protobuf never sees it).
        pair(left, right, pairs, (p, q) -> p.number() == q.number()
                && Shape.of(p.type()).describe().equals(Shape.of(q.type()).describe()));
        boolean newKnowsOld = Components.avroFullName(o).equals(Components.avroFullName(n))
                || Components.avroAliases(n).contains(Components.avroFullName(o));
        boolean oldKnowsNew = Components.avroFullName(o).equals(Components.avroFullName(n))
                || Components.avroAliases(o).contains(Components.avroFullName(n));
        pairs.forEach((p, q) -> component(here + "." + q.name(), p, q, usage, newKnowsOld, oldKnowsNew));
        for (Components.Component p : left) {
            right.stream().filter(q -> q.number() == p.number()).findFirst().ifPresent(q -> changes.add(new Change(
                    Kind.TYPE_CHANGED, here + ".#" + p.number(), "Protobuf field " + p.number() + " was " + p.name()
                    + " (" + name(p.type()) + ") and is now " + q.name() + " (" + name(q.type()) + "): a reader takes"
                    + " one for the other (reserve a removed field's number; give the new one another)",
                    both(BY_NUMBER))));
        }
        for (Components.Component p : left) {
            Map<Format, Set<Direction>> breaks = missing(p, direction(usage, false));
            changes.add(new Change(Kind.FIELD_REMOVED, here + "." + p.name(), "field " + p.name() + " ("
                    + name(p.type()) + ", Protobuf " + p.number() + ") removed" + (p.missingBreaks()
                    ? ": an old reader requires it and refuses a value without it" : ": an old reader reads it as absent"),
                    breaks));
        }
        for (Components.Component q : right) {
            Map<Format, Set<Direction>> breaks = missing(q, direction(usage, true));
            changes.add(new Change(Kind.FIELD_ADDED, here + "." + q.name(), "field " + q.name() + " ("
                    + name(q.type()) + ", Protobuf " + q.number() + ") added" + (q.missingBreaks()
                    ? (usage == Usage.REQUEST ? ", required: a new server refuses an old client's value, which lacks it"
                    : ", required: an old server's answer lacks it, and a new client is handed null")
                    : ", optional: a new reader reads an old writer's value as without it"), breaks));
        }
    }

    private static void pair(List<Components.Component> left, List<Components.Component> right,
                             Map<Components.Component, Components.Component> pairs,
                             java.util.function.BiPredicate<Components.Component, Components.Component> match) {
        for (Components.Component p : List.copyOf(left)) {
            for (Components.Component q : right) {
                if (match.test(p, q)) {
                    pairs.put(p, q);
                    left.remove(p);
                    right.remove(q);
                    break;
                }
            }
        }
    }

    /**
     * Compares paired components; {@code newKnowsOld} and {@code oldKnowsNew} say whether Avro
     * applies the reader's field aliases (only inside a record of the writer's full name or alias).
     */
    private void component(String at, Components.Component p, Components.Component q, Usage usage,
                           boolean newKnowsOld, boolean oldKnowsNew) {
        boolean jsonRenamed = !p.jsonName().equals(q.jsonName());
        if (!p.name().equals(q.name()) || jsonRenamed) {
            Map<Format, Set<Direction>> breaks = new EnumMap<>(Format.class);
            for (Format f : BY_NAME) {
                breaks.put(f, !jsonRenamed ? Set.of() : renamed(q.jsonAliases().contains(p.jsonName()),
                        p.jsonAliases().contains(q.jsonName()), usage));
            }
            breaks.put(Format.AVRO, p.name().equals(q.name()) ? Set.of()
                    : renamed(newKnowsOld && q.avroAliases().contains(p.name()),
                    oldKnowsNew && p.avroAliases().contains(q.name()), usage));
            for (Format f : BY_NUMBER) {
                breaks.put(f, p.number() == q.number() ? Set.of() : EnumSet.allOf(Direction.class));
            }
            changes.add(new Change(Kind.FIELD_RENAMED, at, "field " + p.name() + " renamed " + q.name()
                    + (p.jsonName().equals(p.name()) && q.jsonName().equals(q.name()) ? ""
                    : " (JSON " + p.jsonName() + " -> " + q.jsonName() + ")")
                    + " (Protobuf " + p.number() + (p.number() == q.number() ? ", kept" : " -> " + q.number())
                    + "; JSON aliases " + q.jsonAliases() + ", Avro aliases " + q.avroAliases()
                    + "): a reader that knows neither name nor alias reads it as absent", breaks));
        } else if (p.number() != q.number()) {
            changes.add(new Change(Kind.FIELD_RENUMBERED, at, "field " + q.name() + " renumbered " + p.number()
                    + " -> " + q.number() + " (Protobuf matches fields by number; @Field keeps it)",
                    both(BY_NUMBER)));
        }
        if (p.missingBreaks() != q.missingBreaks()) {
            boolean nowRequired = q.missingBreaks();
            changes.add(new Change(Kind.FIELD_REQUIRED_CHANGED, at, "field " + q.name()
                    + (nowRequired ? " is now required: a new reader refuses an old writer's value without it"
                    : " may now be absent: an old reader refuses a new writer's value without it"),
                    missing(nowRequired ? q : p, direction(usage, nowRequired))));
        }
        type(at, p.type(), q.type(), usage, true);
    }

    /**
     * A record or enum whose Avro full name (package and simple name) changed. Courier's Avro
     * codec resolves a body or result whatever its name, but inside a union (every component
     * that is not a primitive, and every {@code Optional}) Avro picks the branch by full name or
     * the reader's {@code @AvroAlias}; JSON, XML and Protobuf never send the name.
     */
    private void named(String at, String what, Class<?> o, Class<?> n, Usage usage, boolean branch) {
        String before = Components.avroFullName(o);
        String now = Components.avroFullName(n);
        if (before.equals(now)) {
            return;
        }
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (branch && !Components.avroAliases(n).contains(before)) {
            d.add(direction(usage, true));
        }
        if (branch && !Components.avroAliases(o).contains(now)) {
            d.add(direction(usage, false));
        }
        changes.add(new Change(Kind.RECORD_RENAMED, at, what + " " + before + " is now " + now + (branch
                ? ": Avro picks it in its union by full name or the reader's @AvroAlias"
                : ": a body or result, which Avro resolves whatever its name"), Map.of(Format.AVRO, d)));
    }

    /**
     * Where a reader that requires {@code c} meets a writer without it: every format by the null
     * rule, but Protobuf, which reads a missing string as {@code ""} and a missing enum as its
     * constant numbered 0.
     */
    private static Map<Format, Set<Direction>> missing(Components.Component c, Direction d) {
        Map<Format, Set<Direction>> m = new EnumMap<>(Format.class);
        for (Format f : ALL) {
            if (BY_NUMBER.contains(f) ? c.protoMissingBreaks() : c.missingBreaks()) {
                m.put(f, EnumSet.of(d));
            }
        }
        return m;
    }

    /** A renamed field: broken where the reader knows neither the writer's name nor an alias of it. */
    private static Set<Direction> renamed(boolean newReaderKnowsOld, boolean oldReaderKnowsNew, Usage usage) {
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (!newReaderKnowsOld) {
            d.add(direction(usage, true));
        }
        if (!oldReaderKnowsNew) {
            d.add(direction(usage, false));
        }
        return d;
    }

    private void enumeration(String at, Class<?> o, Class<?> n, Usage usage, boolean branch) {
        if (!seen.add(List.of(o, n, usage))) {
            return;
        }
        named(at, "enum", o, n, usage, branch);
        String here = at + " > " + n.getSimpleName();
        Map<String, Integer> left = Components.enumNumbers(o);
        Map<String, Integer> right = Components.enumNumbers(n);
        left.forEach((c, number) -> {
            if (!right.containsKey(c)) {
                // An old writer may still send it. Protobuf reads an unknown number as absent.
                Map<Format, Set<Direction>> breaks = new EnumMap<>(Format.class);
                for (Format f : List.of(Format.JSON, Format.XML, Format.AVRO)) {
                    breaks.put(f, EnumSet.of(direction(usage, true)));
                }
                boolean kept = right.containsValue(number);
                for (Format f : BY_NUMBER) {
                    breaks.put(f, kept ? Set.of() : EnumSet.of(direction(usage, true)));
                }
                changes.add(new Change(Kind.ENUM_CONSTANT_REMOVED, here + "." + c, "constant " + c
                        + " removed: a new reader cannot read it from an old writer" + (kept
                        ? " (Protobuf reads its number " + number + " as the constant that has it now)" : ""),
                        breaks));
            } else if (!right.get(c).equals(number)) {
                changes.add(new Change(Kind.ENUM_CONSTANT_RENUMBERED, here + "." + c, "constant " + c
                        + " renumbered " + number + " -> " + right.get(c) + " (Protobuf sends the number)",
                        both(BY_NUMBER)));
            }
        });
        right.forEach((c, number) -> {
            if (!left.containsKey(c)) {
                Map<Format, Set<Direction>> breaks = new EnumMap<>(Format.class);
                for (Format f : List.of(Format.JSON, Format.XML, Format.AVRO)) {
                    breaks.put(f, EnumSet.of(direction(usage, false)));
                }
                boolean known = left.containsValue(number);
                for (Format f : BY_NUMBER) {
                    breaks.put(f, known ? Set.of() : EnumSet.of(direction(usage, false)));
                }
                changes.add(new Change(Kind.ENUM_CONSTANT_ADDED, here + "." + c, "constant " + c
                        + " added: an old reader cannot read it from a new writer (Protobuf reads an unknown"
                        + " number as absent)", breaks));
            }
        });
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * The direction in which a reader of the new version reads what the old one wrote
     * ({@code oldWrites}), or the other way, for a value the client writes (a request) or the
     * server does (a response).
     */
    static Direction direction(Usage usage, boolean oldWrites) {
        boolean oldClient = usage == Usage.REQUEST ? oldWrites : !oldWrites;
        return oldClient ? Direction.OLD_CLIENT_NEW_SERVER : Direction.NEW_CLIENT_OLD_SERVER;
    }

    private static Map<Format, Set<Direction>> both(Set<Format> formats) {
        Map<Format, Set<Direction>> m = new EnumMap<>(Format.class);
        formats.forEach(f -> m.put(f, EnumSet.allOf(Direction.class)));
        return m;
    }

    private static Map<Format, Set<Direction>> only(Set<Format> formats, Direction d) {
        Map<Format, Set<Direction>> m = new EnumMap<>(Format.class);
        formats.forEach(f -> m.put(f, EnumSet.of(d)));
        return m;
    }

    static String name(Type type) {
        return Shape.of(type).describe();
    }
}
