package io.courier.test.conformance;

/** An enum for the conformance contract: travels as its name in bodies, paths and queries. */
public enum Mood {
    HAPPY, CALM, GRUMPY
}
