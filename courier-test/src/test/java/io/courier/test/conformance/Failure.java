package io.courier.test.conformance;

import io.courier.Status;
import java.util.Map;

/** The error the server is asked to raise: status, message and details. */
public record Failure(Status status, String message, Map<String, String> details) {
}
