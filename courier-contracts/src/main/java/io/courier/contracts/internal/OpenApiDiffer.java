package io.courier.contracts.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares two OpenAPI 3 documents: operations by path template (parameter names aside) and
 * verb, their parameters by place and name, request bodies and the schemas of their success
 * responses, judged for JSON (and XML when either document offers {@code application/xml}).
 */
final class OpenApiDiffer {
    private static final List<String> VERBS = List.of("get", "put", "post", "delete", "patch", "head", "options",
            "trace");

    private final JsonNode before;
    private final JsonNode after;
    private final String prefix;
    private final Set<Format> formats;
    private final List<Change> changes = new ArrayList<>();
    private final JsonSchemaDiffer schemas;

    OpenApiDiffer(JsonNode before, JsonNode after, String prefix) {
        this.before = before;
        this.after = after;
        this.prefix = prefix;
        this.formats = EnumSet.copyOf(formats(before));
        formats.addAll(formats(after));
        this.schemas = new JsonSchemaDiffer(before, after, prefix, formats, changes);
    }

    /** JSON, and XML when the document offers {@code application/xml} anywhere. */
    static Set<Format> formats(JsonNode document) {
        return document.toString().contains("\"application/xml\"") ? EnumSet.of(Format.JSON, Format.XML)
                : EnumSet.of(Format.JSON);
    }

    List<Change> changes() {
        Map<String, JsonNode> left = operations(before);
        Map<String, JsonNode> right = operations(after);
        Map<String, String> oldShown = shown(before);
        Map<String, String> newShown = shown(after);
        left.forEach((key, o) -> {
            JsonNode n = right.remove(key);
            String at = newShown.getOrDefault(key, oldShown.get(key));
            if (n == null) {
                changes.add(change(Kind.METHOD_REMOVED, oldShown.get(key), "operation removed: an old client"
                        + " calling it fails", EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER)));
            } else {
                operation(at, o, n);
            }
        });
        right.keySet().forEach(key -> changes.add(change(Kind.METHOD_ADDED, newShown.get(key), "operation added:"
                + " a new client calling it fails against an old server", EnumSet.of(Direction.NEW_CLIENT_OLD_SERVER))));
        return List.copyOf(changes);
    }

    private void operation(String at, JsonNode o, JsonNode n) {
        parameters(at, o, n);
        JsonNode ob = body(before, o.path("requestBody"));
        JsonNode nb = body(after, n.path("requestBody"));
        boolean oRequired = ob.path("required").asBoolean(false);
        boolean nRequired = nb.path("required").asBoolean(false);
        if (ob.isMissingNode() != nb.isMissingNode() || oRequired != nRequired) {
            boolean breaksOld = nRequired && !oRequired;
            boolean breaksNew = oRequired && !nRequired;
            changes.add(change(Kind.PARAMETER_CHANGED, at + " request body", "request body "
                    + (ob.isMissingNode() ? "none" : oRequired ? "required" : "optional") + " -> "
                    + (nb.isMissingNode() ? "none" : nRequired ? "required" : "optional")
                    + (breaksOld ? ": a new server refuses an old client, which may send none" : "")
                    + (breaksNew ? ": an old server refuses a new client that sends none" : ""),
                    breaksOld ? EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER)
                            : breaksNew ? EnumSet.of(Direction.NEW_CLIENT_OLD_SERVER) : Set.of()));
        }
        JsonNode os = schema(ob);
        JsonNode ns = schema(nb);
        if (!os.isMissingNode() && !ns.isMissingNode()) {
            schemas.root(at + " request", os, ns, Flow.REQUEST);
        }
        JsonNode or = o.path("responses");
        JsonNode nr = n.path("responses");
        for (Map.Entry<String, JsonNode> e : or.properties()) {
            String code = e.getKey();
            if (!code.startsWith("2") || !nr.has(code)) {
                continue;
            }
            JsonNode a = schema(body(before, e.getValue()));
            JsonNode b = schema(body(after, nr.get(code)));
            if (!a.isMissingNode() && !b.isMissingNode()) {
                schemas.root(at + " response " + code, a, b, Flow.RESPONSE);
            } else if (a.isMissingNode() != b.isMissingNode()) {
                changes.add(change(Kind.TYPE_CHANGED, at + " response " + code, "response body "
                        + (a.isMissingNode() ? "none -> some: an old client ignores it"
                        : "some -> none: an old client expects one"), a.isMissingNode() ? Set.of()
                        : EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER)));
            }
        }
    }

    private void parameters(String at, JsonNode o, JsonNode n) {
        Map<String, JsonNode> left = parameters(before, o.path("x-template").asText(""), o);
        Map<String, JsonNode> right = parameters(after, n.path("x-template").asText(""), n);
        left.forEach((key, p) -> {
            JsonNode q = right.remove(key);
            String here = at + " parameter " + parameter(q != null ? q : p);
            boolean was = p.path("required").asBoolean(false);
            if (q == null) {
                changes.add(change(Kind.PARAMETER_REMOVED, here, "removed" + (was
                        ? ": it was required, so an old server refuses a new client that no longer sends it" : ""),
                        was ? EnumSet.of(Direction.NEW_CLIENT_OLD_SERVER) : Set.of()));
                return;
            }
            boolean is = q.path("required").asBoolean(false);
            if (was != is) {
                changes.add(change(Kind.FIELD_REQUIRED_CHANGED, here, is
                        ? "now required: a new server refuses an old client that leaves it out"
                        : "no longer required: an old server refuses a new client that leaves it out",
                        EnumSet.of(is ? Direction.OLD_CLIENT_NEW_SERVER : Direction.NEW_CLIENT_OLD_SERVER)));
            }
            if (p.has("schema") && q.has("schema")) {
                schemas.root(here, p.get("schema"), q.get("schema"), Flow.REQUEST);
            }
        });
        right.forEach((key, q) -> {
            boolean required = q.path("required").asBoolean(false);
            changes.add(change(Kind.PARAMETER_ADDED, at + " parameter " + parameter(q), "added, " + (required
                    ? "required: a new server refuses an old client, which never sends it"
                    : "optional: an old client leaving it out still works"),
                    required ? EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER) : Set.of()));
        });
    }

    /** {@code query 'limit'}. */
    private static String parameter(JsonNode parameter) {
        return parameter.path("in").asText("") + " '" + parameter.path("name").asText("") + "'";
    }

    /**
     * The operation's parameters and its path's, by {@code in} and name ({@code query 'limit'});
     * path parameters by their place in the template, as the request's path gives them no name.
     */
    private static Map<String, JsonNode> parameters(JsonNode root, String template, JsonNode operation) {
        List<String> inPath = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]*)}").matcher(template);
        while (m.find()) {
            inPath.add(m.group(1));
        }
        Map<String, JsonNode> all = new LinkedHashMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        operation.path("x-path-parameters").forEach(nodes::add);
        operation.path("parameters").forEach(nodes::add);
        for (JsonNode p : nodes) {
            JsonNode d = resolve(root, p);
            String in = d.path("in").asText("");
            String name = d.path("name").asText("");
            all.put(in.equals("path") && inPath.contains(name) ? "path #" + inPath.indexOf(name) : parameter(d), d);
        }
        return all;
    }

    /** Operations by verb and path template with its parameter names blanked ({@code GET /orders/{}}). */
    private static Map<String, JsonNode> operations(JsonNode root) {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
            for (String verb : VERBS) {
                JsonNode op = path.getValue().path(verb);
                if (op.isObject()) {
                    ObjectNode copy = op.deepCopy();
                    copy.put("x-template", path.getKey());
                    if (path.getValue().has("parameters")) {
                        copy.set("x-path-parameters", path.getValue().get("parameters"));
                    }
                    ops.put(key(verb, path.getKey()), copy);
                }
            }
        }
        return ops;
    }

    private static Map<String, String> shown(JsonNode root) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
            for (String verb : VERBS) {
                if (path.getValue().path(verb).isObject()) {
                    shown.put(key(verb, path.getKey()), verb.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return shown;
    }

    private static String key(String verb, String path) {
        return verb.toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}]*}", "{}");
    }

    /** A request body or response, its {@code $ref} followed. */
    private static JsonNode body(JsonNode root, JsonNode node) {
        return node.isMissingNode() ? node : resolve(root, node);
    }

    /** The schema of the body's JSON content (else its first content). */
    private static JsonNode schema(JsonNode body) {
        JsonNode content = body.path("content");
        if (content.has("application/json")) {
            return content.get("application/json").path("schema");
        }
        for (Map.Entry<String, JsonNode> e : content.properties()) {
            if (e.getKey().endsWith("json")) {
                return e.getValue().path("schema");
            }
        }
        return MissingNode.getInstance();
    }

    private static JsonNode resolve(JsonNode root, JsonNode node) {
        for (int i = 0; i < 8 && node.has("$ref") && node.get("$ref").asText().startsWith("#"); i++) {
            JsonNode target = JsonSchemaDiffer.at(root, node.get("$ref").asText());
            if (target.isMissingNode()) {
                return node;
            }
            node = target;
        }
        return node;
    }

    private Change change(Kind kind, String at, String description, Set<Direction> d) {
        return new Change(kind, prefix + at, description, FileDiffer.breaks(formats, d));
    }
}
