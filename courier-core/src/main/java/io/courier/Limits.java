package io.courier;

/**
 * Size limits a server enforces on each request, with a clear error when one is passed
 * (HTTP 413 or 431, {@link Status#RESOURCE_EXHAUSTED}). Immutable; built by {@link #builder()}.
 *
 * <pre>{@code
 * Courier.builder().limits(Limits.builder().maxBodyBytes(1 << 20).build())
 * }</pre>
 */
public final class Limits {
    private static final Limits DEFAULTS = builder().build();

    private final int maxBodyBytes;
    private final int maxHeaderBytes;

    private Limits(Builder b) {
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
    }

    /** 16 MiB bodies, 16 KiB of headers. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The largest request body accepted, in bytes. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The largest total size of request headers accepted, in bytes. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** A builder holding this instance's values. */
    public Builder toBuilder() {
        return new Builder().maxBodyBytes(maxBodyBytes).maxHeaderBytes(maxHeaderBytes);
    }

    /** Builds {@link Limits}; not thread-safe. */
    public static final class Builder {
        private int maxBodyBytes = 16 * 1024 * 1024;
        private int maxHeaderBytes = 16 * 1024;

        private Builder() {
        }

        /** The largest request body accepted, in bytes. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes: " + bytes + " (expected: > 0)");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** The largest total size of request headers accepted, in bytes. */
        public Builder maxHeaderBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes: " + bytes + " (expected: >= 1024)");
            }
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** The limits. */
        public Limits build() {
            return new Limits(this);
        }
    }
}
