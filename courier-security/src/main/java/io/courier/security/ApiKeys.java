package io.courier.security;

import io.courier.Metadata;
import io.courier.Principal;
import io.courier.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys for simple setups: a header ({@code x-api-key} by default) whose value maps to a
 * {@link Principal}. Keys are kept as SHA-256 digests and compared in constant time against
 * every known key, so neither the time taken nor an error says how close a guess was.
 *
 * <pre>{@code
 * ApiKeys keys = ApiKeys.builder()
 *         .key(System.getenv("BILLING_KEY"), Principal.of("billing", Set.of("service")))
 *         .build();
 * AccessControl.builder().authenticator(keys).build();
 * }</pre>
 *
 * <p>A key is a shared secret sent with every call: use it only over TLS, give each caller its
 * own, and prefer {@link JwtVerifier} where an identity provider exists. Immutable and
 * thread-safe.
 */
public final class ApiKeys implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private record Entry(byte[] digest, Principal principal) {
    }

    private final String header;
    private final List<Entry> entries;

    private ApiKeys(String header, List<Entry> entries) {
        this.header = header;
        this.entries = entries;
    }

    /** A builder; at least one key is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The principal of the key in the header; empty without the header. */
    @Override
    public Optional<Principal> authenticate(Metadata metadata) {
        Optional<String> presented = metadata.get(header);
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented.get());
        Principal found = null;
        for (Entry e : entries) { // every entry, match or not: the time does not depend on which matched
            if (MessageDigest.isEqual(e.digest, digest)) {
                found = e.principal;
            }
        }
        if (found == null) {
            log.debug("{}: unknown API key refused", header);
            throw new UnauthenticatedException("invalid API key",
                    Map.of(UnauthenticatedException.CHALLENGE, challenge()));
        }
        return Optional.of(found);
    }

    /** Never: the keys are in memory. */
    @Override
    public boolean mayBlock(Metadata metadata) {
        return false;
    }

    /** {@code ApiKey header="<name>"}: not a registered scheme, but it tells a person where the key goes. */
    @Override
    public String challenge() {
        return "ApiKey header=\"" + header + "\"";
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Configures {@link ApiKeys}. Not thread-safe. */
    public static final class Builder {
        private String header = "x-api-key";
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {
        }

        /** The header carrying the key; {@code x-api-key} by default. */
        public Builder header(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.equalsIgnoreCase("authorization")) {
                throw new IllegalArgumentException("header: \"" + name
                        + "\" (expected: a header of its own, e.g. x-api-key; Authorization carries bearer tokens)");
            }
            this.header = name.toLowerCase(Locale.ROOT);
            return this;
        }

        /** Maps {@code key} (at least 16 characters) to {@code principal}. */
        public Builder key(String key, Principal principal) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(principal, "principal");
            if (key.length() < 16) {
                throw new IllegalArgumentException("key: " + key.length() + " characters (expected: >= 16, random)");
            }
            byte[] digest = sha256(key);
            for (Entry e : entries) {
                if (MessageDigest.isEqual(e.digest, digest)) {
                    throw new IllegalArgumentException("key: given twice (for " + e.principal.name() + " and "
                            + principal.name() + "; expected: one key per caller)");
                }
            }
            entries.add(new Entry(digest, principal));
            return this;
        }

        /** The keys. */
        public ApiKeys build() {
            if (entries.isEmpty()) {
                throw new IllegalStateException("keys: none (expected: at least one key(...))");
            }
            return new ApiKeys(header, List.copyOf(entries));
        }
    }
}
