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

    /** {@code bytes} for people: indented JSON, else the text, else their length. */
    static String show(byte[] bytes) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(bytes));
        } catch (java.io.IOException | RuntimeException notJson) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException binary) {
                return "(" + bytes.length + " bytes, not text)";
            }
        }
    }
}
