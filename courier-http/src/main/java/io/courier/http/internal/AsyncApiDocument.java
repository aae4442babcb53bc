package io.courier.http.internal;

import io.courier.contract.ChannelUse;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AsyncAPI 3.0 description of a service's channel uses: one channel per message channel,
 * one message per payload type on it, one operation per use (send or receive, with the group of
 * a receiver, and the reply of a command or a scatter-gather request), the payloads as JSON
 * Schemas, and Courier's envelope headers on every message.
 */
public final class AsyncApiDocument {
    /** The envelope headers a receiver can rely on (docs/messaging.md). */
    private static final Map<String, Object> HEADERS = JsonSchemas.map("type", "object", "properties", headers());

    private AsyncApiDocument() {
    }

    private static Map<String, Object> headers() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("courier-id", JsonSchemas.map("type", "string", "description", "The message's id, kept when it is sent again"));
        h.put("courier-type", JsonSchemas.map("type", "string", "description", "The payload's type, or service.method for a command"));
        h.put("courier-source", JsonSchemas.map("type", "string", "description", "The sending Messaging's name"));
        h.put("courier-partition-key", JsonSchemas.map("type", "string", "description", "Messages with one key are handled in order"));
        h.put("courier-correlation-id", JsonSchemas.map("type", "string", "description", "A reply's request id"));
        h.put("courier-reply-to", JsonSchemas.map("type", "string", "description", "Where a reply goes"));
        h.put("courier-deadline", JsonSchemas.map("type", "string", "description", "When the sender stops waiting (epoch milliseconds)"));
        h.put("courier-timestamp", JsonSchemas.map("type", "string", "description", "When it was sent (epoch milliseconds)"));
        h.put("courier-content-type", JsonSchemas.map("type", "string", "description", "The payload's media type"));
        h.put("traceparent", JsonSchemas.map("type", "string", "description", "The W3C trace context"));
        return h;
    }

    /** The document, as JSON trees of maps and lists. */
    public static Map<String, Object> of(String title, List<ChannelUse> uses, String contentType) {
        JsonSchemas schemas = new JsonSchemas();
        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new LinkedHashMap<>();
        for (ChannelUse use : uses) {
            String channelKey = key(use.channel());
            @SuppressWarnings("unchecked")
            Map<String, Object> channel = (Map<String, Object>) channels.computeIfAbsent(channelKey,
                    k -> JsonSchemas.map("address", use.channel(), "messages", new LinkedHashMap<String, Object>()));
            String messageKey = message(use.payload(), use.kind() == ChannelUse.Kind.HANDLE_COMMAND
                    || use.kind() == ChannelUse.Kind.SEND_COMMAND ? use.operation() : null, schemas, messages, contentType);
            @SuppressWarnings("unchecked")
            Map<String, Object> channelMessages = (Map<String, Object>) channel.get("messages");
            channelMessages.put(messageKey, ref("#/components/messages/" + messageKey));

            Map<String, Object> operation = new LinkedHashMap<>();
            operation.put("action", use.kind().sends() ? "send" : "receive");
            operation.put("channel", ref("#/channels/" + channelKey));
            operation.put("summary", summary(use));
            operation.put("messages", List.of(ref("#/channels/" + channelKey + "/messages/" + messageKey)));
            use.group().ifPresent(g -> operation.put("x-courier-group", g));
            if (use.reply().isPresent()) {
                String replyChannel = channelKey + "-reply";
                String replyMessage = message(use.reply().get(), null, schemas, messages, contentType);
                channels.put(replyChannel, JsonSchemas.map("address", null, "description",
                        "The reply channel the request names in courier-reply-to", "messages",
                        new LinkedHashMap<>(Map.of(replyMessage, ref("#/components/messages/" + replyMessage)))));
                operation.put("reply", JsonSchemas.map(
                        "address", JsonSchemas.map("location", "$message.header#/courier-reply-to"),
                        "channel", ref("#/channels/" + replyChannel),
                        "messages", List.of(ref("#/channels/" + replyChannel + "/messages/" + replyMessage))));
            }
            operations.put(operationKey(use, operations), operation);
        }
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("messages", messages);
        components.put("schemas", schemas.components());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asyncapi", "3.0.0");
        doc.put("info", JsonSchemas.map("title", title, "version", "1.0.0",
                "description", "The channels " + title + " sends and receives messages on, as Courier's messaging uses them."));
        doc.put("defaultContentType", contentType);
        doc.put("channels", channels);
        doc.put("operations", operations);
        doc.put("components", components);
        return doc;
    }

    private static String message(Type payload, String operation, JsonSchemas schemas, Map<String, Object> messages,
                                  String contentType) {
        Map<String, Object> schema = payload == Void.class ? JsonSchemas.map() : schemas.of(payload);
        String name = operation != null ? operation : payload instanceof Class<?> c ? c.getSimpleName() : payload.getTypeName();
        String key = key(name);
        messages.putIfAbsent(key, JsonSchemas.map("name", name, "contentType", contentType, "headers", HEADERS,
                "payload", schema));
        return key;
    }

    private static String summary(ChannelUse use) {
        return switch (use.kind()) {
            case PUBLISH -> "Publishes events";
            case SUBSCRIBE -> "Handles events as group " + use.group().orElse("");
            case SEND_COMMAND -> "Sends the command " + use.operation();
            case HANDLE_COMMAND -> "Handles the command " + use.operation();
            case SCATTER -> "Publishes scatter-gather requests and gathers the replies";
            case RESPOND -> "Answers scatter-gather requests as " + use.group().orElse("");
        };
    }

    private static String operationKey(ChannelUse use, Map<String, Object> taken) {
        String base = key(use.kind().name().toLowerCase(java.util.Locale.ROOT) + "-" + use.operation()
                + (use.kind() == ChannelUse.Kind.SEND_COMMAND || use.kind() == ChannelUse.Kind.HANDLE_COMMAND
                ? "" : "-" + use.channel()) + use.group().map(g -> "-" + g).orElse(""));
        String k = base;
        for (int i = 2; taken.containsKey(k); i++) {
            k = base + "-" + i; // the same use with two payload types
        }
        return k;
    }

    /** A component key: AsyncAPI allows letters, digits, '.', '_' and '-'. */
    private static String key(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Map<String, Object> ref(String ref) {
        return JsonSchemas.map("$ref", ref);
    }
}
