package io.courier.bench.load;

/** The message of the unary scenarios: about 100 bytes as JSON. */
public record Payload(String id, int sequence, String text) {
    /** The payload every scenario sends. */
    public static Payload sample() {
        return new Payload("3f1c9a52-7e1b-4c1e-9d55-0c4f2f4d1a77", 42, "the quick brown fox jumps over the lazy dog");
    }
}
