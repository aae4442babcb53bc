package io.courier.test.conformance;

import java.util.List;

/** A record nested in {@link Payload}, with a list inside. */
public record Address(String street, String city, List<String> lines) {
}
