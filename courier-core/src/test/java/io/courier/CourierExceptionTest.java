package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CourierExceptionTest {
    private static final Map<Status, Class<? extends CourierException>> EXPECTED = new EnumMap<>(Map.ofEntries(
            Map.entry(Status.CANCELLED, CancelledException.class),
            Map.entry(Status.UNKNOWN, InternalException.class),
            Map.entry(Status.INVALID_ARGUMENT, InvalidArgumentException.class),
            Map.entry(Status.DEADLINE_EXCEEDED, DeadlineExceededException.class),
            Map.entry(Status.NOT_FOUND, NotFoundException.class),
            Map.entry(Status.ALREADY_EXISTS, ConflictException.class),
            Map.entry(Status.PERMISSION_DENIED, PermissionDeniedException.class),
            Map.entry(Status.RESOURCE_EXHAUSTED, ResourceExhaustedException.class),
            Map.entry(Status.FAILED_PRECONDITION, FailedPreconditionException.class),
            Map.entry(Status.ABORTED, ConflictException.class),
            Map.entry(Status.OUT_OF_RANGE, InvalidArgumentException.class),
            Map.entry(Status.UNIMPLEMENTED, UnimplementedException.class),
            Map.entry(Status.INTERNAL, InternalException.class),
            Map.entry(Status.UNAVAILABLE, UnavailableException.class),
            Map.entry(Status.DATA_LOSS, InternalException.class),
            Map.entry(Status.UNAUTHENTICATED, UnauthenticatedException.class)));

    @Test
    void ofReturnsTheMatchingSubclassForEveryErrorStatus() {
        assertThat(EXPECTED).hasSize(Status.values().length - 1);
        for (Status status : EXPECTED.keySet()) {
            Map<String, String> details = Map.of("field", "items[0]", "status", status.name());

            CourierException e = CourierException.of(status, "went wrong: " + status, details, false);

            assertThat(e).as("%s", status).isExactlyInstanceOf(EXPECTED.get(status));
            assertThat(e.status()).isSameAs(status);
            assertThat(e.getMessage()).isEqualTo("went wrong: " + status);
            assertThat(e.details()).isEqualTo(details);
            assertThat(e.getCause()).isNull();
        }
    }

    @Test
    void retrySafetyIsKeptWhereTheStatusAllowsIt() {
        for (Status status : new Status[] {Status.CANCELLED, Status.ALREADY_EXISTS, Status.ABORTED,
                Status.RESOURCE_EXHAUSTED, Status.UNAVAILABLE}) {
            assertThat(CourierException.of(status, "m", Map.of(), true).retrySafe()).as("%s", status).isTrue();
            assertThat(CourierException.of(status, "m", Map.of(), false).retrySafe()).as("%s", status).isFalse();
        }
        // The call may have taken effect: never retry-safe, whatever the wire said.
        assertThat(CourierException.of(Status.INTERNAL, "m", Map.of(), true).retrySafe()).isFalse();
        assertThat(CourierException.of(Status.DEADLINE_EXCEEDED, "m", Map.of(), true).retrySafe()).isFalse();
    }

    @Test
    void okIsNotAnError() {
        assertThatThrownBy(() -> CourierException.of(Status.OK, "m", Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status: OK (expected: an error status)");
        assertThatThrownBy(() -> new CourierException(Status.OK, "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status: OK (expected: an error status)");
    }

    @Test
    void detailsAreCopiedAndNeverNull() {
        Map<String, String> details = new HashMap<>(Map.of("a", "1"));
        CourierException e = CourierException.of(Status.NOT_FOUND, "m", details, false);
        details.put("b", "2");

        assertThat(e.details()).containsExactly(Map.entry("a", "1"));
        assertThatThrownBy(() -> e.details().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(CourierException.of(Status.NOT_FOUND, "m", null, false).details()).isEmpty();
    }

    @Test
    void defaultRetrySafetyFollowsTheStatus() {
        assertThat(new CourierException(Status.UNAVAILABLE, "m").retrySafe()).isTrue();
        assertThat(new CourierException(Status.RESOURCE_EXHAUSTED, "m").retrySafe()).isTrue();
        assertThat(new CourierException(Status.INTERNAL, "m").retrySafe()).isFalse();
        assertThat(new UnavailableException("closed").retrySafe()).isTrue();
    }

    @Test
    void subclassesRefuseStatusesThatAreNotTheirs() {
        assertThatThrownBy(() -> new InternalException(Status.NOT_FOUND, "m", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("status: NOT_FOUND (expected: INTERNAL, UNKNOWN or DATA_LOSS)");
        assertThatThrownBy(() -> new InvalidArgumentException(Status.INTERNAL, "m", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("INTERNAL");
        assertThatThrownBy(() -> new ConflictException(Status.NOT_FOUND, "m", Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOT_FOUND");
    }

    @Test
    void toStringNamesClassStatusAndMessage() {
        assertThat(new NotFoundException("no order 7").toString())
                .isEqualTo("io.courier.NotFoundException: NOT_FOUND: no order 7");
    }
}
