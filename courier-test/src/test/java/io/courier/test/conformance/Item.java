package io.courier.test.conformance;

/** A small record sent in large lists. */
public record Item(int index, String name, Mood mood) {
}
