package io.courier.contract;

/** The HTTP methods a contract method can be mapped to. */
public enum HttpMethod {
    GET, POST, PUT, DELETE, PATCH;

    /** Whether repeating the request has the effect of sending it once (RFC 9110). */
    public boolean idempotent() {
        return this == GET || this == PUT || this == DELETE;
    }
}
