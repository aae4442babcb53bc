package io.courier.grpc.exported;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import io.courier.grpc.interop.Greeter;
import io.courier.grpc.interop.GreeterGrpc;
import io.courier.grpc.interop.HelloReply;
import io.courier.grpc.interop.HelloRequest;
import io.courier.spi.WireText;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An error's text on every way out of a server (gRPC to grpc-java's stub and to Courier's client,
 * REST to a raw client and to Courier's): a 100,000-character message keeps its type and is cut
 * to {@link WireText#MAX_MESSAGE_BYTES} with the marker; a short one arrives exactly as thrown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ErrorTextAcrossTransportsTest {
    private static final String LONG = "x".repeat(100_000);
    /** Three UTF-8 bytes a character, so nine once percent-encoded: the widest grpc-message. */
    private static final String WIDE = "€".repeat(100_000);
    private static final String CUT = "x".repeat(WireText.MAX_MESSAGE_BYTES - WireText.MARKER.length()) + WireText.MARKER;

    /** A REST contract that always fails with the long message; public, as the dispatcher invokes it. */
    @Service("checks")
    public interface Checks {
        @Get("/checks/{name}")
        String check(@Path("name") String name);
    }

    private Courier server;
    private Courier clients;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        server = Courier.builder().name("long-errors").build();
        server.serve(Checks.class, name -> {
            throw new FailedPreconditionException(LONG, Map.of("name", name, "dump", "d".repeat(10_000)));
        });
        server.serve(Greeter.class, new Greeter() {
            @Override
            public HelloReply sayHello(HelloRequest request) {
                throw new FailedPreconditionException(switch (request.getName()) {
                    case "wide" -> WIDE;
                    case "long" -> LONG;
                    default -> request.getName();
                });
            }

            @Override
            public Stream<HelloReply> sayHelloStream(HelloRequest request) {
                throw new FailedPreconditionException(LONG);
            }

            @Override
            public HelloReply collectHellos(Stream<HelloRequest> requests) {
                throw new FailedPreconditionException(LONG);
            }

            @Override
            public Stream<HelloReply> chat(Stream<HelloRequest> requests) {
                throw new FailedPreconditionException(LONG);
            }
        });
        clients = Courier.builder().name("long-errors-caller").build();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void grpcJavaStubSeesFailedPreconditionWithTheCutMessage() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sayHello(HelloRequest.newBuilder().setName("long").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo(CUT);
    }

    @Test
    void grpcJavaStubReadsTheWidestCutMessageWithinItsMetadataLimit() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sayHello(HelloRequest.newBuilder().setName("wide").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).startsWith("€€€").endsWith(WireText.MARKER);
    }

    @Test
    void courierGrpcClientSeesFailedPreconditionWithTheCutMessage() {
        Greeter greeter = clients.client(Greeter.class)
                .target(URI.create("grpc://127.0.0.1:" + server.address().getPort()))
                .deadline(Duration.ofSeconds(10)).build();

        FailedPreconditionException e = catchThrowableOfType(FailedPreconditionException.class,
                () -> greeter.sayHello(HelloRequest.newBuilder().setName("long").build()));

        assertThat(e.getMessage()).isEqualTo(CUT);
    }

    @Test
    void courierGrpcClientReadsTheMessageExactlyAsThrown() {
        Greeter greeter = clients.client(Greeter.class)
                .target(URI.create("grpc://127.0.0.1:" + server.address().getPort()))
                .deadline(Duration.ofSeconds(10)).build();
        String text = "a+b = 100% of c: é\t";

        FailedPreconditionException e = catchThrowableOfType(FailedPreconditionException.class,
                () -> greeter.sayHello(HelloRequest.newBuilder().setName(text).build()));

        assertThat(e.getMessage()).isEqualTo(text);
    }

    @Test
    void restProblemDetailIsCutAndTheCourierClientSeesTheType() throws Exception {
        Checks checks = clients.client(Checks.class).target(server.uri()).deadline(Duration.ofSeconds(10)).build();

        FailedPreconditionException e = catchThrowableOfType(FailedPreconditionException.class, () -> checks.check("a"));

        assertThat(e.getMessage()).isEqualTo(CUT);
        assertThat(e.details()).containsEntry("name", "a");
        assertThat(e.details().get("dump")).endsWith(WireText.MARKER);
    }

    @Test
    void restProblemBodyCarriesTheBoundedDetail() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/checks/a")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(412);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"detail\":\"" + CUT + "\"")
                    .contains("\"code\":\"FAILED_PRECONDITION\"");
            assertThat(response.body().length()).isLessThan(WireText.MAX_MESSAGE_BYTES + WireText.MAX_DETAILS_BYTES + 400);
        }
    }
}
