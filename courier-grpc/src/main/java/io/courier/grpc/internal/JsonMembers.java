package io.courier.grpc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits a JSON object into its members with Jackson's streaming parser, each value kept as
 * the bytes it was written with, so that each can be decoded by the {@code Courier}'s JSON codec
 * into its parameter's type. The parser checks the syntax and the nesting and length limits;
 * the codec checks the values.
 */
final class JsonMembers {
    private final JsonFactory factory;

    /** A splitter bounded by {@code limits} (nesting depth, number and string lengths). */
    JsonMembers(Limits limits) {
        this.factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth())
                .maxNumberLength(limits.maxNumberLength())
                .maxStringLength(limits.maxStringLength())
                .build()).build();
    }

    /** The members of the object in {@code json}, by name, values as raw JSON bytes. */
    Map<String, byte[]> split(byte[] json) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (JsonParser p = factory.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(p, "'{'");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                p.finishToken(); // a string is read lazily: read it to its end, so the location is past it
                int end = (int) p.currentLocation().getByteOffset();
                members.put(name, Arrays.copyOfRange(json, start, end));
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw bad(p, "a member name or '}'");
            }
            if (p.nextToken() != null) {
                throw bad(p, "the end of the message");
            }
            return members;
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (JsonProcessingException e) { // malformed JSON, or past a limit
            throw new InvalidArgumentException("request message: invalid JSON at byte "
                    + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()) + ": " + e.getOriginalMessage()
                    + " (expected: a JSON object of the method's parameters)");
        } catch (IOException e) { // not from a byte array; kept for the signature
            throw new InvalidArgumentException("request message: unreadable: " + e.getMessage());
        }
    }

    private static InvalidArgumentException bad(JsonParser p, String expected) {
        return new InvalidArgumentException("request message: invalid JSON at byte "
                + p.currentTokenLocation().getByteOffset() + " (expected: " + expected
                + " in a JSON object of the method's parameters)");
    }
}
