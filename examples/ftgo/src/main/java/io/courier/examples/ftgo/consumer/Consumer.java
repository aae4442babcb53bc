package io.courier.examples.ftgo.consumer;

import io.courier.examples.ftgo.Money;

/** A person who orders food. */
public record Consumer(long id, String name, Money orderLimit) {
}
