package io.courier.contracts;

/** Which side runs which version when a change is judged. */
public enum Direction {
    /** Clients built from the old contract call servers built from the new one (the server deployed first). */
    OLD_CLIENT_NEW_SERVER("old client -> new server"),
    /** Clients built from the new contract call servers still on the old one (the client deployed first). */
    NEW_CLIENT_OLD_SERVER("new client -> old server");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** E.g. {@code old client -> new server}. */
    public String label() {
        return label;
    }
}
