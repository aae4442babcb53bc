/**
 * Extension points: codecs, transports and the dispatcher between a server transport and
 * the implementation. Each is one small interface, found with {@link java.util.ServiceLoader}
 * or registered in code on {@code Courier.builder()}.
 */
package io.courier.spi;
