package io.courier.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.Courier;
import io.courier.CourierException;
import io.courier.InvalidArgumentException;
import io.courier.Status;
import io.courier.grpc.GrpcTransportFactory;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Constraints over gRPC (Protobuf): a violation arrives as INVALID_ARGUMENT naming the path and message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BeanValidationGrpcTest {
    private final Catalog.Desk desk = new Catalog.Desk();
    private Courier server;
    private Courier clients;
    private Catalog catalog;

    @BeforeAll
    void start() {
        server = Courier.builder().name("validated-grpc").transport(GrpcTransportFactory.builder().build())
                .serverInterceptor(BeanValidation.interceptor()).build();
        server.serve(Catalog.class, desk);
        clients = Courier.builder().name("caller").transport(GrpcTransportFactory.builder().build()).build();
        catalog = clients.client(Catalog.class).target(URI.create("grpc://127.0.0.1:" + server.address().getPort()))
                .deadline(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aViolationIsInvalidArgumentNamingThePathAndTheHandlerDoesNotRun() {
        int before = desk.calls.get();
        Throwable thrown = catchThrowable(() -> catalog.place(new Catalog.Order("ann",
                List.of(new Catalog.Line("tea", 1), new Catalog.Line("", 2)))));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("catalog.place: body order.lines[1].sku: must not be blank (@NotBlank)");
        assertThat(((CourierException) thrown).status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void aParameterConstraintIsChecked() {
        Throwable thrown = catchThrowable(() -> catalog.recent(-1));

        assertThat(thrown).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("query limit: must be greater than 0 (@Positive)");
    }

    @Test
    void aValidCallIsAnswered() {
        assertThat(catalog.place(new Catalog.Order("bo", List.of(new Catalog.Line("tea", 3))))).isEqualTo("bo: 1 lines");
        assertThat(catalog.recent(5)).isEqualTo("last 5");
    }
}
