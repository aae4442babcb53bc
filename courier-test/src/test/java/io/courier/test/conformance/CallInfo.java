package io.courier.test.conformance;

/**
 * What the server saw of a call's {@link io.courier.CallContext}.
 *
 * @param caller          the caller's name, or null
 * @param deadlineMillis  milliseconds left of the deadline, or -1 when the call had none
 * @param tenant          the {@code x-tenant} metadata value, or null
 */
public record CallInfo(String caller, long deadlineMillis, String tenant) {
}
