package io.courier.test.conformance;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body record of the conformance contract: one field of each kind a contract may carry
 * (primitives, text, enum, {@code Instant}, {@code BigDecimal}, nested records, lists, maps,
 * {@code Optional}), so an echo shows that every one of them survives the transport.
 */
public record Payload(String text, int number, long big, double ratio, boolean flag, Mood mood, Instant at,
                      BigDecimal amount, Address address, List<Address> history, Map<String, Integer> counts,
                      Optional<String> nickname) {

    /** A payload with every field set, distinct for each {@code seed}. */
    public static Payload sample(int seed) {
        return sample(seed, "text-" + seed);
    }

    /** A payload with every field set and the given text. */
    public static Payload sample(int seed, String text) {
        Address home = new Address(seed + " Main Street", "Springfield", List.of("floor " + seed, "door B"));
        return new Payload(text, seed, Long.MAX_VALUE - seed, seed + 0.25, seed % 2 == 0,
                Mood.values()[Math.floorMod(seed, Mood.values().length)],
                Instant.parse("2024-02-29T12:34:56.123456789Z").plusSeconds(seed), new BigDecimal("1234.50"),
                home, List.of(home, new Address("Old Road", "Shelbyville", List.of())),
                Map.of("apples", seed, "pears", -seed), seed % 3 == 0 ? Optional.empty() : Optional.of("nick-" + seed));
    }
}
