package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.StringValue;
import io.courier.Courier;
import io.courier.annotation.Header;
import io.courier.annotation.Service;
import io.courier.grpc.interop.RawUnary;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The null rule for gRPC, from a stock grpc-java client sending hand-built Protobuf: a message
 * field absent where the contract requires it is {@code INVALID_ARGUMENT} naming the field, the
 * handler does not run, and the next call is answered; {@code @Nullable} and {@code Optional}
 * fields may be absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NullRuleGrpcTest {
    @Retention(RetentionPolicy.RUNTIME)
    @interface Nullable {
    }

    public record Place(String city) {
    }

    /** {@code message Parcel { string id = 1; Place to = 2; Place return_to = 3; ... }} */
    public record Parcel(String id, Place to, @Nullable Place returnTo, Optional<String> note) {
    }

    @Service("parcels")
    public interface Parcels {
        /** The request message is {@code Parcel} itself. */
        String send(Parcel parcel);

        /** The request message is {@code RelabelRequest { string x_by = 1; Place place = 2; }}. */
        String relabel(@Header("x-by") String by, Place place);
    }

    private final AtomicInteger calls = new AtomicInteger();
    private Courier server;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        server = Courier.builder().name("parcels").transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Parcels.class, new Parcels() {
            @Override
            public String send(Parcel parcel) {
                calls.incrementAndGet();
                return parcel.id() + " to " + parcel.to().city() + ", back to "
                        + (parcel.returnTo() == null ? "none" : parcel.returnTo().city()) + ", note "
                        + parcel.note().orElse("none");
            }

            @Override
            public String relabel(String by, Place place) {
                calls.incrementAndGet();
                return by + " -> " + place.city();
            }
        });
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    /** Calls {@code method} of the contract with {@code request} and returns the reply's string. */
    private String call(String method, byte[] request) throws IOException {
        byte[] reply = RawUnary.of(Parcels.class, method).call(channel, Duration.ofSeconds(10), request);
        return StringValue.parseFrom(reply).getValue();
    }

    private static byte[] message(Field... fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (Field f : fields) {
            if (f.value() instanceof String s) {
                out.writeString(f.number(), s);
            } else {
                out.writeBytes(f.number(), ByteString.copyFrom((byte[]) f.value()));
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private record Field(int number, Object value) {
    }

    private static byte[] place(String city) throws IOException {
        return message(new Field(1, city));
    }

    private void assertRefused(String method, byte[] request, String detail) throws IOException {
        int before = calls.get();

        Throwable thrown = catchThrowable(() -> call(method, request));

        assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) thrown).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains(detail).doesNotContain("NullPointerException");
        assertThat(calls).as("the handler did not run").hasValue(before);
        assertThat(call("send", message(new Field(1, "p-9"), new Field(2, place("Oslo")))))
                .isEqualTo("p-9 to Oslo, back to none, note none");
    }

    @Test
    void aRecordMessageWithoutARequiredMessageFieldIsInvalidArgument() throws IOException {
        assertRefused("send", message(new Field(1, "p-1")),
                "parcels.send: body parcel.to: missing (expected: a Place;");
    }

    @Test
    void aRequestWithoutARequiredMessageParameterIsInvalidArgument() throws IOException {
        assertRefused("relabel", message(new Field(1, "ann")),
                "parcels.relabel: body place: missing (expected: a Place;");
    }

    @Test
    void nullableAndOptionalFieldsMayBeAbsent() throws IOException {
        assertThat(call("send", message(new Field(1, "p-2"), new Field(2, place("Bergen")))))
                .isEqualTo("p-2 to Bergen, back to none, note none");
        assertThat(call("send", message(new Field(1, "p-3"), new Field(2, place("Bergen")),
                new Field(3, place("Oslo")), new Field(4, "fragile"))))
                .isEqualTo("p-3 to Bergen, back to Oslo, note fragile");
        assertThat(call("relabel", message(new Field(1, "bo"), new Field(2, place("Tromsø")))))
                .isEqualTo("bo -> Tromsø");
    }
}
