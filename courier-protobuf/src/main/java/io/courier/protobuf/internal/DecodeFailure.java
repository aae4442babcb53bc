package io.courier.protobuf.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Bad bytes, found while decoding; collects the path of fields from the failure outwards and
 * becomes an {@link InvalidArgumentException} at the top. Carries no stack trace: it is thrown
 * for a caller's mistake, often, and only its message matters.
 */
public final class DecodeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private static final String UNBALANCED_GROUP = "an unbalanced group (expected: matching group start and end tags)";

    private final String reason;
    private final transient Deque<String> path = new ArrayDeque<>();

    public DecodeFailure(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    static DecodeFailure unbalancedGroup() {
        return new DecodeFailure(UNBALANCED_GROUP);
    }

    /** A failure for protobuf-java's own exception, in words that name none of its internals. */
    static DecodeFailure of(InvalidProtocolBufferException e, Limits limits) {
        String m = String.valueOf(e.getMessage());
        String reason;
        if (m.contains("input ended unexpectedly") || m.contains("truncated")) {
            reason = "the input ends inside a field (expected: a complete message)";
        } else if (m.contains("negative size")) {
            // protobuf-java reads a length as an int32: 0xFFFFFFFF, sent as a length, arrives here as -1
            reason = "a length of 2^31 bytes or more, or negative (expected: a length of 0 to 2147483647 bytes)";
        } else if (m.contains("malformed varint")) {
            reason = "a malformed varint (expected: at most 10 bytes)";
        } else if (m.contains("invalid tag")) {
            reason = "field number 0 (expected: a field number of 1 or more)";
        } else if (m.contains("invalid wire type")) {
            reason = "an invalid wire type (expected: 0, 1, 2, 5, or a group)";
        } else if (m.contains("UTF-8")) {
            reason = "a string that is not valid UTF-8 (expected: UTF-8 text)";
        } else if (m.contains("recursion limit") || m.contains("too many levels")) {
            reason = "nesting of more than " + limits.maxNestingDepth() + " levels exceeds the limit "
                    + limits.maxNestingDepth() + " (maxNestingDepth)";
        } else if (m.contains("end-group tag did not match")) {
            reason = UNBALANCED_GROUP;
        } else {
            reason = "malformed Protobuf bytes (expected: a valid message)";
        }
        return new DecodeFailure(reason);
    }

    /** Adds the field this failure happened in, as seen from its enclosing message. */
    DecodeFailure at(String message, String field, int number) {
        path.addFirst(field == null ? message : message + "." + field + " (field " + number + ")");
        return this;
    }

    /** Adds the enclosing message only, for a failure outside any known field. */
    DecodeFailure in(String message) {
        if (path.isEmpty()) {
            path.addFirst(message);
        }
        return this;
    }

    /** The exception to raise to the caller. */
    public InvalidArgumentException toException() {
        List<String> fields = new ArrayList<>(path);
        if (fields.size() > 7) { // a path 100 levels deep says no more than its ends do
            int left = fields.size() - 6;
            fields.subList(3, fields.size() - 3).clear();
            fields.add(3, "(" + left + " more)");
        }
        return new InvalidArgumentException("protobuf body: " + String.join(" > ", fields) + ": " + reason);
    }
}
