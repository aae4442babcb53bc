package io.courier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusTest {
    /** Statuses that share their HTTP code with another one, so HTTP alone cannot tell them apart. */
    private static final Set<Status> SHARING_AN_HTTP_CODE = EnumSet.of(
            Status.UNKNOWN, Status.DATA_LOSS,   // 500, read back as INTERNAL
            Status.OUT_OF_RANGE,                // 400, read back as INVALID_ARGUMENT
            Status.ALREADY_EXISTS);             // 409, read back as ABORTED

    @Test
    void grpcCodesRoundTrip() {
        for (Status status : Status.values()) {
            assertThat(Status.fromGrpc(status.grpcCode())).as("%s", status).isSameAs(status);
        }
    }

    @Test
    void grpcCodesAreThoseOfGrpc() {
        assertThat(Status.OK.grpcCode()).isZero();
        assertThat(Status.DEADLINE_EXCEEDED.grpcCode()).isEqualTo(4);
        assertThat(Status.UNAVAILABLE.grpcCode()).isEqualTo(14);
        assertThat(Status.UNAUTHENTICATED.grpcCode()).isEqualTo(16);
        assertThat(Arrays.stream(Status.values()).mapToInt(Status::grpcCode).distinct().count())
                .isEqualTo(Status.values().length);
    }

    @Test
    void unknownGrpcCodesAreUnknown() {
        assertThat(Status.fromGrpc(-1)).isSameAs(Status.UNKNOWN);
        assertThat(Status.fromGrpc(17)).isSameAs(Status.UNKNOWN);
        assertThat(Status.fromGrpc(Integer.MAX_VALUE)).isSameAs(Status.UNKNOWN);
    }

    @Test
    void httpCodesRoundTrip() {
        for (Status status : Status.values()) {
            Status back = Status.fromHttp(status.httpStatus());

            assertThat(back.httpStatus()).as("%s", status).isEqualTo(status.httpStatus());
            if (!SHARING_AN_HTTP_CODE.contains(status)) {
                assertThat(back).as("%s", status).isSameAs(status);
            }
        }
    }

    @Test
    void httpStatusesOfOtherPeersMapAsGrpcDoes() {
        assertThat(Status.fromHttp(200)).isSameAs(Status.OK);
        assertThat(Status.fromHttp(204)).isSameAs(Status.OK);
        assertThat(Status.fromHttp(299)).isSameAs(Status.OK);
        assertThat(Status.fromHttp(400)).isSameAs(Status.INVALID_ARGUMENT);
        assertThat(Status.fromHttp(401)).isSameAs(Status.UNAUTHENTICATED);
        assertThat(Status.fromHttp(403)).isSameAs(Status.PERMISSION_DENIED);
        assertThat(Status.fromHttp(404)).isSameAs(Status.NOT_FOUND);
        assertThat(Status.fromHttp(405)).isSameAs(Status.UNIMPLEMENTED);
        assertThat(Status.fromHttp(406)).isSameAs(Status.INVALID_ARGUMENT);
        assertThat(Status.fromHttp(408)).isSameAs(Status.DEADLINE_EXCEEDED);
        assertThat(Status.fromHttp(409)).isSameAs(Status.ABORTED);
        assertThat(Status.fromHttp(412)).isSameAs(Status.FAILED_PRECONDITION);
        assertThat(Status.fromHttp(413)).isSameAs(Status.RESOURCE_EXHAUSTED);
        assertThat(Status.fromHttp(415)).isSameAs(Status.INVALID_ARGUMENT);
        assertThat(Status.fromHttp(429)).isSameAs(Status.RESOURCE_EXHAUSTED);
        assertThat(Status.fromHttp(431)).isSameAs(Status.RESOURCE_EXHAUSTED);
        assertThat(Status.fromHttp(499)).isSameAs(Status.CANCELLED);
        assertThat(Status.fromHttp(500)).isSameAs(Status.INTERNAL);
        assertThat(Status.fromHttp(501)).isSameAs(Status.UNIMPLEMENTED);
        assertThat(Status.fromHttp(502)).isSameAs(Status.UNAVAILABLE);
        assertThat(Status.fromHttp(503)).isSameAs(Status.UNAVAILABLE);
        assertThat(Status.fromHttp(504)).isSameAs(Status.DEADLINE_EXCEEDED);
        assertThat(Status.fromHttp(599)).isSameAs(Status.INTERNAL);
        assertThat(Status.fromHttp(418)).isSameAs(Status.UNKNOWN);
        assertThat(Status.fromHttp(302)).isSameAs(Status.UNKNOWN);
        assertThat(Status.fromHttp(100)).isSameAs(Status.UNKNOWN);
    }

    @Test
    void everyErrorStatusMapsToAnErrorHttpCode() {
        for (Status status : Status.values()) {
            if (status != Status.OK) {
                assertThat(status.httpStatus()).as("%s", status).isBetween(400, 599);
            }
        }
    }
}
