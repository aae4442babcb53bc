package io.courier.contract;

/**
 * A contract interface that Courier cannot serve or call, raised when it is first used
 * ({@code client(...)} or {@code serve(...)}), never on a call. The message names the
 * interface, the method and what is wrong, e.g.
 * {@code "OrderService.get: path variable {id} has no @Path parameter (expected: one parameter annotated @Path(\"id\"))"}.
 */
public final class InvalidContractException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with a message naming interface, method and problem. */
    public InvalidContractException(String message) {
        super(message);
    }
}
