/**
 * The broker SPI: what an adapter for Kafka, RabbitMQ or the in-memory broker implements.
 * {@link io.courier.messaging.spi.MessageBroker} is the whole of it; the shared conformance
 * suite ({@code io.courier.messaging.conformance} in {@code courier-messaging}'s test jar)
 * checks that an adapter keeps its guarantees.
 */
package io.courier.messaging.spi;
