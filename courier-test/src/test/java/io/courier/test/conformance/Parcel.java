package io.courier.test.conformance;

import java.util.List;
import java.util.Optional;

/**
 * A record for the null rule: {@code to} is required, {@code note} may be absent
 * ({@code @Nullable}), {@code gift} is an {@code Optional}, and absent {@code tags} read as empty.
 */
public record Parcel(String id, Address to, @Nullable String note, Optional<String> gift, List<String> tags) {
}
