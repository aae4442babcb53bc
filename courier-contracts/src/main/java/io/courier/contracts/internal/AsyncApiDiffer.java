package io.courier.contracts.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.contracts.Change;
import io.courier.contracts.Change.Kind;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two AsyncAPI 3 documents, judged for JSON: operations by id, channels by id, each
 * channel's messages by id and their payload schemas. Who writes a message comes from the
 * operations: one the service {@code receive}s is written by its clients (a request), one it
 * {@code send}s by the service (a response), and their replies the other way.
 */
final class AsyncApiDiffer {
    private static final Set<Format> JSON = EnumSet.of(Format.JSON);

    private final JsonNode before;
    private final JsonNode after;
    private final String prefix;
    private final List<Change> changes = new ArrayList<>();
    private final JsonSchemaDiffer schemas;

    AsyncApiDiffer(JsonNode before, JsonNode after, String prefix) {
        this.before = before;
        this.after = after;
        this.prefix = prefix;
        this.schemas = new JsonSchemaDiffer(before, after, prefix, JSON, changes);
    }

    List<Change> changes() {
        JsonNode oo = before.path("operations");
        JsonNode no = after.path("operations");
        for (Map.Entry<String, JsonNode> e : oo.properties()) {
            if (!no.has(e.getKey())) {
                changes.add(change(Kind.METHOD_REMOVED, "operation " + e.getKey(), "removed: what old clients send"
                        + " or expect there goes unanswered", EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER)));
            }
        }
        for (Map.Entry<String, JsonNode> e : no.properties()) {
            if (!oo.has(e.getKey())) {
                changes.add(change(Kind.METHOD_ADDED, "operation " + e.getKey(), "added: a new client using it"
                        + " fails against an old server", EnumSet.of(Direction.NEW_CLIENT_OLD_SERVER)));
            }
        }
        Map<String, Flow> oldFlows = flows(before);
        Map<String, Flow> newFlows = flows(after);
        JsonNode oc = before.path("channels");
        JsonNode nc = after.path("channels");
        for (Map.Entry<String, JsonNode> ch : oc.properties()) {
            String channel = ch.getKey();
            JsonNode om = ch.getValue().path("messages");
            JsonNode nm = nc.path(channel).path("messages");
            if (!nc.has(channel)) {
                changes.add(change(Kind.METHOD_REMOVED, "channel " + channel, "removed: old clients' messages"
                        + " there go unread", EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER)));
                continue;
            }
            for (Map.Entry<String, JsonNode> m : om.properties()) {
                String key = channel + "/" + m.getKey();
                Flow flow = merge(oldFlows.get(key), newFlows.get(key));
                String at = "channel " + channel + " message " + m.getKey();
                if (!nm.has(m.getKey())) {
                    changes.add(change(Kind.TYPE_REMOVED, at, "removed: a new reader does not know it from an old"
                            + " writer", flow.when(true)));
                    continue;
                }
                JsonNode a = message(before, m.getValue()).path("payload");
                JsonNode b = message(after, nm.get(m.getKey())).path("payload");
                if (!a.isMissingNode() && !b.isMissingNode()) {
                    schemas.root(at + " payload", a, b, flow);
                }
            }
            for (Map.Entry<String, JsonNode> m : nm.properties()) {
                if (!om.has(m.getKey())) {
                    String key = channel + "/" + m.getKey();
                    Flow flow = merge(null, newFlows.get(key));
                    changes.add(change(Kind.TYPE_ADDED, "channel " + channel + " message " + m.getKey(),
                            "added: an old reader does not know it from a new writer", flow.when(false)));
                }
            }
        }
        for (Map.Entry<String, JsonNode> ch : nc.properties()) {
            if (!oc.has(ch.getKey())) {
                changes.add(change(Kind.METHOD_ADDED, "channel " + ch.getKey(), "added", Set.of()));
            }
        }
        return List.copyOf(changes);
    }

    /** Who writes each channel's message ({@code channel/message}), by the operations that name it. */
    private static Map<String, Flow> flows(JsonNode document) {
        Map<String, Flow> flows = new HashMap<>();
        for (Map.Entry<String, JsonNode> op : document.path("operations").properties()) {
            boolean receives = op.getValue().path("action").asText("").equals("receive");
            op.getValue().path("messages").forEach(r -> put(flows, r, receives ? Flow.REQUEST : Flow.RESPONSE));
            op.getValue().path("reply").path("messages").forEach(r -> put(flows, r,
                    receives ? Flow.RESPONSE : Flow.REQUEST));
        }
        return flows;
    }

    private static void put(Map<String, Flow> flows, JsonNode ref, Flow flow) {
        String r = ref.path("$ref").asText("");
        if (r.startsWith("#/channels/")) {
            String key = r.substring("#/channels/".length()).replace("/messages/", "/");
            flows.merge(key, flow, AsyncApiDiffer::merge);
        }
    }

    private static Flow merge(Flow a, Flow b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? Flow.EITHER : b) : a;
        }
        return a == b ? a : Flow.EITHER;
    }

    private static JsonNode message(JsonNode root, JsonNode node) {
        for (int i = 0; i < 8 && node.has("$ref") && node.get("$ref").asText().startsWith("#"); i++) {
            node = JsonSchemaDiffer.at(root, node.get("$ref").asText());
        }
        return node;
    }

    private Change change(Kind kind, String at, String description, Set<Direction> d) {
        return new Change(kind, prefix + at, description, FileDiffer.breaks(JSON, d));
    }
}
