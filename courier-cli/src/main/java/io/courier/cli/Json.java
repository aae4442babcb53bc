package io.courier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/** Reading what users type as JSON, and showing payloads readably. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private Json() {
    }

    /**
     * {@code text} checked to be one JSON value.
     *
     * @throws IllegalArgumentException naming {@code what} and where the text stops being JSON
     */
    static JsonNode parse(String what, String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": not JSON: " + e.getOriginalMessage()
                    + " at column " + e.getLocation().getColumnNr() + " (expected: one JSON value, e.g. '{\"id\":1}')");
        }
    }

    /** {@code bytes} as one JSON value, or null when they are not one (nor UTF-8, nor within Jackson's bounds). */
    static JsonNode tryParse(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (java.io.IOException | RuntimeException notJson) {
            return null;
        }
    }

    /**
     * {@code bytes} for people, safe on a terminal: indented JSON, else the text, else their
     * length; control characters escaped ({@link Printable#text}).
     */
    static String show(byte[] bytes) {
        JsonNode json = tryParse(bytes);
        if (json != null) {
            try {
                return Printable.text(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            } catch (JsonProcessingException | RuntimeException unprintable) {
                // shown as text below
            }
        }
        try {
            return Printable.text(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException binary) {
            return "(" + bytes.length + " bytes, not text)";
        }
    }
}
