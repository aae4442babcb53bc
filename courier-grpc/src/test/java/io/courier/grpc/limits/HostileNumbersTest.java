package io.courier.grpc.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.CodedOutputStream;
import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.interop.RawUnary;
import io.courier.test.ThreadCpu;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The incident over gRPC, from grpc-java: an order whose amount travels as the text
 * {@code 1e10000000} (or ten million digits) gets INVALID_ARGUMENT naming the limit, the next
 * good call is answered within its deadline, and no thread keeps working afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileNumbersTest {
    private Courier server;
    private ManagedChannel channel;
    private final RawUnary pay = RawUnary.of(Payments.class, "pay");

    @BeforeAll
    void start() {
        server = Courier.builder().name("payments").transport(GrpcTransportFactory.builder().build()).build()
                .serve(Payments.class, payment -> new Payments.Payment(payment.customer(),
                        payment.amount().setScale(2, RoundingMode.HALF_EVEN)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    /** After each hostile call: a good call within its deadline, and then no busy thread. */
    @AfterEach
    void serverAnswersAtOnceAndNoThreadStaysBusy() {
        byte[] reply = pay.call(channel, Duration.ofSeconds(2), payment("ann", "12.345"));
        assertThat(reply).isEqualTo(payment("ann", "12.34"));

        assertThat(ThreadCpu.usedOver(Duration.ofSeconds(1))).isLessThan(Duration.ofMillis(500));
    }

    @Test
    void aHugeExponentIsInvalidArgumentNamingTheLimit() {
        StatusRuntimeException e = call(payment("ann", "1e10000000"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("protobuf body: Payment.amount (field 2):"
                + " scale -10000000 exceeds the limit 1000 (maxDecimalScale)");
    }

    @Test
    void tenMillionDigitsAreInvalidArgumentNamingTheLimit() {
        StatusRuntimeException e = call(payment("ann", "9".repeat(10_000_000)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).endsWith("a number of 10000000 characters exceeds the limit 1000"
                + " (maxNumberLength)");
    }

    private StatusRuntimeException call(byte[] request) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> pay.call(channel, Duration.ofSeconds(10), request));
    }

    /** A Payment message, written field by field so that the amount can be any text at all. */
    private static byte[] payment(String customer, String amount) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeString(1, customer);
            out.writeString(2, amount);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
