package io.courier.test.conformance;

import java.util.List;

/** What the server received for the bound parameters of a call, each as text ({@code null} when absent). */
public record Seen(List<String> values) {
}
