package io.courier.contracts.internal;

import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import io.courier.contracts.UnreadableContractException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Compares two {@code .avsc} files by Avro's resolution rules. Each change is listed from a walk
 * of the two schemas (records by full name or alias, fields by name or alias, enum symbols,
 * types), each judged by Avro's own {@link SchemaCompatibility}, the new schema reading what
 * the old one wrote and the other way. A schema file does not say which side writes a type, so
 * a reader-writer failure breaks both directions (as a request it breaks old clients of a new
 * server, as a response new clients of an old one). Where Avro refuses a pair of top-level
 * schemas for a reason none of the listed changes explains, an {@code AVRO_RESOLUTION} change
 * carries Avro's own message.
 */
final class AvroDiffer {
    private static final Set<Format> AVRO = EnumSet.of(Format.AVRO);

    private final SchemaFile beforeFile;
    private final SchemaFile afterFile;
    private final String prefix;
    private final List<Change> changes = new ArrayList<>();
    private final Set<List<String>> seen = new HashSet<>();
    private int depth;

    AvroDiffer(SchemaFile before, SchemaFile after, String prefix) {
        this.beforeFile = before;
        this.afterFile = after;
        this.prefix = prefix;
    }

    List<Change> changes() {
        Map<String, Schema> left = roots(parse(beforeFile));
        Map<String, Schema> right = roots(parse(afterFile));
        Map<String, Schema> unmatched = new LinkedHashMap<>(right);
        left.forEach((name, o) -> {
            Schema n = right.get(name);
            if (n == null) {
                n = right.values().stream().filter(s -> isNamed(s) && s.getAliases().contains(name)).findFirst()
                        .orElse(null);
            }
            boolean moved = false;
            if (n == null) { // the same simple name in another namespace, when only one has it
                List<Schema> same = unmatched.values().stream().filter(s -> isNamed(s) && isNamed(o)
                        && s.getName().equals(o.getName())).toList();
                n = same.size() == 1 ? same.get(0) : null;
                moved = n != null;
            }
            if (n == null) {
                changes.add(change(Kind.TYPE_REMOVED, name, "no longer declared at the top level", Map.of()));
                return;
            }
            unmatched.remove(n.getFullName());
            if (moved) {
                // A body or result: Courier's Avro codec resolves it whatever its name, as if each knew the other's.
                changes.add(change(Kind.RECORD_RENAMED, name, o.getType().getName() + " " + o.getFullName() + " is now "
                        + n.getFullName() + ": a body or result, which Courier's Avro codec resolves whatever its name",
                        Map.of()));
                o.addAlias(n.getFullName());
                n.addAlias(o.getFullName());
            }
            int before = changes.size();
            type(name, o, n);
            resolution(name, o, n, before);
        });
        unmatched.keySet().forEach(name -> changes.add(change(Kind.TYPE_ADDED, name, "declared anew", Map.of())));
        return List.copyOf(changes);
    }

    /** The top-level types: a union's branches by full name, else the one schema. */
    private static Map<String, Schema> roots(Schema schema) {
        Map<String, Schema> roots = new LinkedHashMap<>();
        if (schema.getType() == Schema.Type.UNION) {
            schema.getTypes().forEach(s -> roots.put(s.getFullName(), s));
        } else {
            roots.put(schema.getFullName(), schema);
        }
        return roots;
    }

    private void type(String at, Schema o, Schema n) {
        if (++depth > ProtoDiffer.MAX_DEPTH) {
            throw new UnreadableContractException(prefix + at, 0, 0, "types nested more than " + ProtoDiffer.MAX_DEPTH
                    + " deep (expected: at most " + ProtoDiffer.MAX_DEPTH + ")");
        }
        try {
            typeAt(at, o, n);
        } finally {
            depth--;
        }
    }

    private void typeAt(String at, Schema o, Schema n) {
        o = nonNull(o);
        n = nonNull(n);
        if (o.getType() == Schema.Type.RECORD && n.getType() == Schema.Type.RECORD) {
            record(at, o, n);
        } else if (o.getType() == Schema.Type.ENUM && n.getType() == Schema.Type.ENUM) {
            enumeration(at, o, n);
        } else if (o.getType() == Schema.Type.ARRAY && n.getType() == Schema.Type.ARRAY) {
            type(at + "[]", o.getElementType(), n.getElementType());
        } else if (o.getType() == Schema.Type.MAP && n.getType() == Schema.Type.MAP) {
            type(at + "{}", o.getValueType(), n.getValueType());
        } else if (!o.equals(n)) {
            boolean newReadsOld = reads(n, o);
            boolean oldReadsNew = reads(o, n);
            changes.add(change(Kind.TYPE_CHANGED, at, "type " + describe(o) + " -> " + describe(n)
                    + (newReadsOld && oldReadsNew ? "" : newReadsOld || oldReadsNew
                    ? ": only the " + (newReadsOld ? "new" : "old") + " reader resolves the other's (Avro's promotions)"
                    : ": neither resolves the other's"), breaks(!newReadsOld, !oldReadsNew)));
        }
    }

    private void record(String at, Schema o, Schema n) {
        if (!seen.add(List.of(o.getFullName(), n.getFullName()))) {
            return;
        }
        String here = at.equals(o.getFullName()) ? "record " + n.getFullName() : at + " > " + n.getName();
        renamed(here, "record", o, n);
        Set<String> paired = new HashSet<>();
        for (Schema.Field p : o.getFields()) {
            Schema.Field q = n.getField(p.name());
            if (q == null) {
                q = n.getFields().stream().filter(f -> f.aliases().contains(p.name())).findFirst().orElse(null);
            }
            String field = here + " field '" + p.name() + "'";
            if (q == null) {
                changes.add(change(Kind.FIELD_REMOVED, field, "removed" + (p.hasDefaultValue()
                        ? ": an old reader takes its default" : ", without a default: an old reader refuses a new"
                        + " writer's data"), breaks(false, !p.hasDefaultValue())));
                continue;
            }
            paired.add(q.name());
            if (!q.name().equals(p.name())) {
                boolean oldKnows = p.aliases().contains(q.name());
                changes.add(change(Kind.FIELD_RENAMED, field, "renamed '" + q.name() + "' (the new field's aliases"
                        + " name the old one" + (oldKnows ? "; the old field's name the new one)"
                        : "; an old reader does not know the new name)"), breaks(false, !oldKnows && !p.hasDefaultValue())));
            }
            type(here + " field '" + q.name() + "'", p.schema(), q.schema());
        }
        for (Schema.Field q : n.getFields()) {
            if (!paired.contains(q.name())) {
                changes.add(change(Kind.FIELD_ADDED, here + " field '" + q.name() + "'", "added, " + describe(q.schema())
                        + (q.hasDefaultValue() ? ", with a default: a new reader takes it for an old writer's data"
                        : ", without a default: a new reader refuses an old writer's data"),
                        breaks(!q.hasDefaultValue(), false)));
            }
        }
    }

    /** A record or enum of another full name: Avro resolves it by full name or the reader's alias. */
    private void renamed(String at, String what, Schema o, Schema n) {
        if (o.getFullName().equals(n.getFullName())) {
            return;
        }
        boolean newKnows = n.getAliases().contains(o.getFullName());
        boolean oldKnows = o.getAliases().contains(n.getFullName());
        if (newKnows && oldKnows) {
            return; // a top-level type moved, said above
        }
        changes.add(change(Kind.RECORD_RENAMED, at, what + " " + o.getFullName() + " is now " + n.getFullName()
                + ": Avro resolves it by full name or the reader's alias", breaks(!newKnows, !oldKnows)));
    }

    private void enumeration(String at, Schema o, Schema n) {
        String here = at.equals(o.getFullName()) ? "enum " + n.getFullName() : at + " > " + n.getName();
        renamed(here, "enum", o, n);
        for (String s : o.getEnumSymbols()) {
            if (!n.hasEnumSymbol(s)) {
                changes.add(change(Kind.ENUM_CONSTANT_REMOVED, here + " symbol " + s, "removed" + (n.getEnumDefault() != null
                        ? ": a new reader reads it as its default " + n.getEnumDefault()
                        : ": a new reader refuses it from an old writer"), breaks(n.getEnumDefault() == null, false)));
            }
        }
        for (String s : n.getEnumSymbols()) {
            if (!o.hasEnumSymbol(s)) {
                changes.add(change(Kind.ENUM_CONSTANT_ADDED, here + " symbol " + s, "added" + (o.getEnumDefault() != null
                        ? ": an old reader reads it as its default " + o.getEnumDefault()
                        : ": an old reader refuses it from a new writer"), breaks(false, o.getEnumDefault() == null)));
            }
        }
    }

    /**
     * Avro's verdict on a pair of top-level schemas: a direction Avro accepts is cleared from the
     * changes just listed; one it refuses that no listed change explains is added with Avro's message.
     */
    private void resolution(String at, Schema o, Schema n, int from) {
        SchemaCompatibility.SchemaPairCompatibility newReadsOld = SchemaCompatibility.checkReaderWriterCompatibility(n, o);
        SchemaCompatibility.SchemaPairCompatibility oldReadsNew = SchemaCompatibility.checkReaderWriterCompatibility(o, n);
        boolean newFails = newReadsOld.getType() != SchemaCompatibilityType.COMPATIBLE;
        boolean oldFails = oldReadsNew.getType() != SchemaCompatibilityType.COMPATIBLE;
        boolean newExplained = false;
        boolean oldExplained = false;
        for (int i = from; i < changes.size(); i++) {
            Change c = changes.get(i);
            Set<Direction> d = c.breaks().getOrDefault(Format.AVRO, Set.of());
            // A listed change keeps the directions Avro also refuses (EITHER flow: one failure, both directions).
            Set<Direction> kept = newFails || oldFails ? d : Set.of();
            newExplained |= !d.isEmpty() && newFails;
            oldExplained |= !d.isEmpty() && oldFails;
            if (!kept.equals(d)) {
                changes.set(i, new Change(c.kind(), c.location(), c.description(), kept.isEmpty() ? Map.of()
                        : Map.of(Format.AVRO, kept)));
            }
        }
        if (newFails && !newExplained) {
            changes.add(change(Kind.AVRO_RESOLUTION, at, "Avro: the new schema cannot read the old one's data: "
                    + newReadsOld.getDescription(), breaks(true, false)));
        }
        if (oldFails && !oldExplained) {
            changes.add(change(Kind.AVRO_RESOLUTION, at, "Avro: the old schema cannot read the new one's data: "
                    + oldReadsNew.getDescription(), breaks(false, true)));
        }
    }

    private static boolean reads(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                == SchemaCompatibilityType.COMPATIBLE;
    }

    /** The branch of {@code ["null", T]}, else the schema itself. */
    private static Schema nonNull(Schema s) {
        if (s.getType() == Schema.Type.UNION && s.getTypes().size() == 2
                && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
            return s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        return s;
    }

    private static boolean isNamed(Schema s) {
        return s.getType() == Schema.Type.RECORD || s.getType() == Schema.Type.ENUM || s.getType() == Schema.Type.FIXED;
    }

    private static String describe(Schema s) {
        return isNamed(s) ? s.getFullName() : s.getType() == Schema.Type.UNION ? s.getTypes().stream()
                .map(AvroDiffer::describe).toList().toString() : s.getType().getName();
    }

    /**
     * A failure of the new reader on old data ({@code newReaderFails}) or of the old reader on new
     * data: as the schema does not say who writes, either breaks both directions.
     */
    private static Map<Format, Set<Direction>> breaks(boolean newReaderFails, boolean oldReaderFails) {
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (newReaderFails) {
            d.addAll(Flow.EITHER.when(true));
        }
        if (oldReaderFails) {
            d.addAll(Flow.EITHER.when(false));
        }
        return FileDiffer.breaks(AVRO, d);
    }

    private Schema parse(SchemaFile file) {
        try {
            return new Schema.Parser().parse((String) file.content());
        } catch (org.apache.avro.AvroRuntimeException e) {
            throw new UnreadableContractException(file.shown(), 0, 0, "not an Avro schema: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new UnreadableContractException(file.shown(), 0, 0, "an Avro schema nested too deep to read", e);
        }
    }

    private Change change(Kind kind, String at, String description, Map<Format, Set<Direction>> breaks) {
        return new Change(kind, prefix + at, description, breaks);
    }
}
