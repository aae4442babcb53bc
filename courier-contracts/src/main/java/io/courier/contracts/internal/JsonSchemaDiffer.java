package io.courier.contracts.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares two JSON Schemas (of OpenAPI or AsyncAPI documents) by JSON's rules as Courier's
 * codecs apply them: properties by name, unknown ones skipped, a reader that requires a
 * property refusing a value without it, an integer readable as a number, an {@code int32} as
 * an {@code int64}, enum values by their text. {@code $ref}s are followed inside each document.
 */
final class JsonSchemaDiffer {
    private static final int MAX_REFS = 32;
    private static final int MAX_DEPTH = 200;

    private final JsonNode beforeRoot;
    private final JsonNode afterRoot;
    private final String prefix;
    private final Set<Format> formats;
    private final List<Change> sink;
    private final Set<List<Object>> seen = new HashSet<>();
    private int depth;

    JsonSchemaDiffer(JsonNode beforeRoot, JsonNode afterRoot, String prefix, Set<Format> formats, List<Change> sink) {
        this.beforeRoot = beforeRoot;
        this.afterRoot = afterRoot;
        this.prefix = prefix;
        this.formats = formats;
        this.sink = sink;
    }

    /**
     * Compares schema {@code o} (of the old document) with {@code n}, values written as
     * {@code flow} says: one body, parameter or payload, whose changes are listed even where
     * another one shares its schemas (as the jar checker lists them per method).
     */
    void root(String at, JsonNode o, JsonNode n, Flow flow) {
        seen.clear();
        compare(at, o, n, flow);
    }

    private void compare(String at, JsonNode o, JsonNode n, Flow flow) {
        if (depth >= MAX_DEPTH) { // schemas nested (or chained by $ref) without end: the stack is bounded
            throw new io.courier.contracts.UnreadableContractException(prefix + at, 0, 0, "schemas nested more than "
                    + MAX_DEPTH + " deep (expected: at most " + MAX_DEPTH + ")");
        }
        depth++;
        try {
            compareAt(at, o, n, flow);
        } finally {
            depth--;
        }
    }

    private void compareAt(String at, JsonNode o, JsonNode n, Flow flow) {
        String oRef = o.path("$ref").asText("");
        String nRef = n.path("$ref").asText("");
        if (!oRef.isEmpty() || !nRef.isEmpty()) {
            if (!seen.add(List.of(oRef, nRef, flow))) {
                return; // a recursive schema, already being compared
            }
            String name = nRef.isEmpty() ? "" : nRef.substring(nRef.lastIndexOf('/') + 1);
            at = name.isEmpty() ? at : at + " > " + name;
        }
        o = deref(beforeRoot, o);
        n = deref(afterRoot, n);
        Set<String> ot = types(o);
        Set<String> nt = types(n);
        if (!ot.isEmpty() && !nt.isEmpty() && !ot.equals(nt)) {
            scalar(at, describe(o), describe(n), reads(o, n), reads(n, o), flow);
            return;
        }
        if (!ot.isEmpty() && ot.equals(nt) && !o.path("format").asText("").equals(n.path("format").asText(""))) {
            scalar(at, describe(o), describe(n), reads(o, n), reads(n, o), flow);
        }
        enums(at, o, n, flow);
        if (o.has("items") || n.has("items")) {
            compare(at + "[]", o.path("items"), n.path("items"), flow);
        }
        if (o.path("additionalProperties").isObject() && n.path("additionalProperties").isObject()) {
            compare(at + "{}", o.get("additionalProperties"), n.get("additionalProperties"), flow);
        }
        properties(at, o, n, flow);
    }

    private void properties(String at, JsonNode o, JsonNode n, Flow flow) {
        JsonNode op = o.path("properties");
        JsonNode np = n.path("properties");
        if (!op.isObject() && !np.isObject()) {
            return;
        }
        Set<String> oRequired = required(o);
        Set<String> nRequired = required(n);
        for (Map.Entry<String, JsonNode> e : op.properties()) {
            String name = e.getKey();
            String here = at + " property '" + name + "'";
            if (!np.has(name)) {
                boolean required = oRequired.contains(name);
                sink.add(change(Kind.FIELD_REMOVED, here, "removed" + (required
                        ? ": an old reader requires it and refuses a new writer's value without it"
                        : ": an old reader reads it as absent"), required ? flow.when(false) : Set.of()));
                continue;
            }
            boolean was = oRequired.contains(name);
            boolean is = nRequired.contains(name);
            if (was != is) {
                sink.add(change(Kind.FIELD_REQUIRED_CHANGED, here, is
                        ? "now required: a new reader refuses an old writer's value without it"
                        : "no longer required: an old reader refuses a new writer's value without it",
                        flow.when(is)));
            }
            compare(here, e.getValue(), np.get(name), flow);
        }
        for (Map.Entry<String, JsonNode> e : np.properties()) {
            String name = e.getKey();
            if (!op.has(name)) {
                boolean required = nRequired.contains(name);
                sink.add(change(Kind.FIELD_ADDED, at + " property '" + name + "'", "added, " + describe(
                        deref(afterRoot, e.getValue())) + (required
                        ? ", required: a new reader refuses an old writer's value, which lacks it"
                        : ", optional: an old reader skips it"), required ? flow.when(true) : Set.of()));
            }
        }
    }

    private void enums(String at, JsonNode o, JsonNode n, Flow flow) {
        if (!o.has("enum") && !n.has("enum")) {
            return;
        }
        Set<String> left = values(o.path("enum"));
        Set<String> right = values(n.path("enum"));
        if (!o.has("enum") || !n.has("enum")) {
            // Only one side restricts the values: the restricted reader may meet values it refuses.
            sink.add(change(Kind.TYPE_CHANGED, at, (o.has("enum") ? "enum " + left + " -> any value"
                    : "any value -> enum " + right), flow.when(n.has("enum"))));
            return;
        }
        for (String v : left) {
            if (!right.contains(v)) {
                sink.add(change(Kind.ENUM_CONSTANT_REMOVED, at + " enum value " + v,
                        "removed: a new reader refuses it from an old writer", flow.when(true)));
            }
        }
        for (String v : right) {
            if (!left.contains(v)) {
                sink.add(change(Kind.ENUM_CONSTANT_ADDED, at + " enum value " + v,
                        "added: an old reader refuses it from a new writer", flow.when(false)));
            }
        }
    }

    private void scalar(String at, String from, String to, boolean newReadsOld, boolean oldReadsNew, Flow flow) {
        EnumSet<Direction> d = EnumSet.noneOf(Direction.class);
        if (!newReadsOld) {
            d.addAll(flow.when(true));
        }
        if (!oldReadsNew) {
            d.addAll(flow.when(false));
        }
        sink.add(change(Kind.TYPE_CHANGED, at, "type " + from + " -> " + to + (d.isEmpty() ? ""
                : newReadsOld || oldReadsNew ? ": only the wider reader reads the other's value"
                : ": neither reads the other's value"), d));
    }

    /** Whether a reader of schema {@code reader} takes what a writer of {@code writer} wrote (scalars only). */
    private static boolean reads(JsonNode writer, JsonNode reader) {
        Set<String> w = types(writer);
        Set<String> r = types(reader);
        String wf = writer.path("format").asText("");
        String rf = reader.path("format").asText("");
        if (w.equals(r)) {
            return wf.equals(rf) || rf.isEmpty() || wf.equals("int32") && rf.equals("int64")
                    || wf.equals("float") && rf.equals("double");
        }
        // An integer is a number; a reader of numbers without a format takes any.
        return w.equals(Set.of("integer")) && r.equals(Set.of("number"))
                && (rf.isEmpty() || rf.equals("double") || !wf.equals("int64") && rf.equals("float"));
    }

    private JsonNode deref(JsonNode root, JsonNode schema) {
        for (int i = 0; i < MAX_REFS && schema.has("$ref"); i++) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#")) {
                return schema; // another document's: compared by its reference only
            }
            JsonNode target = at(root, ref);
            if (target.isMissingNode()) {
                return schema;
            }
            schema = target;
        }
        return schema;
    }

    /** The node a local {@code $ref} ({@code #/components/schemas/Order}) points at; missing for a malformed one. */
    static JsonNode at(JsonNode root, String ref) {
        try {
            return root.at(ref.substring(1));
        } catch (IllegalArgumentException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** The schema's types, {@code null} aside (nullability is not what Courier's readers check). */
    private static Set<String> types(JsonNode schema) {
        Set<String> types = new TreeSet<>();
        JsonNode t = schema.path("type");
        if (t.isTextual()) {
            types.add(t.asText());
        } else if (t.isArray()) {
            t.forEach(x -> types.add(x.asText()));
        }
        types.remove("null");
        if (types.isEmpty() && schema.has("$ref")) {
            types.add(schema.get("$ref").asText()); // an outside reference: its name is its type
        }
        return types;
    }

    private static String describe(JsonNode schema) {
        Set<String> t = types(schema);
        String type = t.isEmpty() ? "any" : t.size() == 1 ? t.iterator().next() : t.toString();
        String format = schema.path("format").asText("");
        return format.isEmpty() ? type : type + " (" + format + ")";
    }

    private static Set<String> required(JsonNode schema) {
        return values(schema.path("required"));
    }

    private static Set<String> values(JsonNode array) {
        Set<String> s = new LinkedHashSet<>();
        array.forEach(v -> s.add(v.asText()));
        return s;
    }

    private Change change(Kind kind, String at, String description, Set<Direction> d) {
        return new Change(kind, prefix + at, description, FileDiffer.breaks(formats, d));
    }
}
