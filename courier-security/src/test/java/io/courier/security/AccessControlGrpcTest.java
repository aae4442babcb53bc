package io.courier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Courier;
import io.courier.PermissionDeniedException;
import io.courier.Status;
import io.courier.UnauthenticatedException;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.test.FakeClock;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Access control over gRPC: stock grpc-java sees UNAUTHENTICATED and PERMISSION_DENIED with no
 * reason in the message, and Courier's gRPC client with {@link BearerToken} gets the typed errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlGrpcTest {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final FakeClock clock = FakeClock.create();
    private final Issuer issuer = new Issuer("k1", clock);
    private final Orders.Desk desk = new Orders.Desk();
    private Courier server;
    private Courier clients;
    private ManagedChannel channel;
    private URI target;

    @BeforeAll
    void start() {
        JwtVerifier jwt = JwtVerifier.builder().keys(Issuer.jwks(issuer)).issuer(Issuer.ISSUER)
                .audience(Issuer.AUDIENCE).clock(clock).build();
        server = Courier.builder().name("secured-grpc").clock(clock).transport(GrpcTransportFactory.builder().build())
                .serverInterceptor(AccessControl.builder().authenticator(jwt).build()).build();
        server.serve(Orders.class, desk);
        clients = Courier.builder().name("caller").transport(GrpcTransportFactory.builder().build()).build();
        target = URI.create("grpc://127.0.0.1:" + server.address().getPort());
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws InterruptedException {
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

    private Orders client(String token) {
        var builder = clients.client(Orders.class).target(target).deadline(Duration.ofSeconds(10));
        if (token != null) {
            builder.interceptor(BearerToken.of(token));
        }
        return builder.build();
    }

    /** whoAmI by grpc-java, raw bytes: the request has no fields, so it is empty. */
    private byte[] rawWhoAmI(String authorization) {
        ServiceDescriptor service = ServiceDescriptor.of(Orders.class);
        String path = GrpcNames.path(service, service.method("whoAmI").orElseThrow());
        MethodDescriptor<byte[], byte[]> rpc = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(path.substring(1))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        Metadata headers = new Metadata();
        if (authorization != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        }
        var withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        return ClientCalls.blockingUnaryCall(withHeaders, rpc, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                new byte[0]);
    }

    private static void assertStatus(Throwable thrown, io.grpc.Status.Code code) {
        assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
        io.grpc.Status status = ((StatusRuntimeException) thrown).getStatus();
        assertThat(status.getCode()).isEqualTo(code);
        assertThat(status.getDescription()).doesNotContain("expired", "audience", "issuer", "signature", "clerk");
    }

    @Test
    void grpcJavaWithAValidTokenIsAnswered() {
        byte[] reply = rawWhoAmI("Bearer " + issuer.token("ann"));

        assertThat(new String(reply, StandardCharsets.UTF_8)).contains("ann");
    }

    @Test
    void grpcJavaWithoutOrWithABadTokenIsUnauthenticated() {
        int before = desk.calls.get();
        assertStatus(catchThrowable(() -> rawWhoAmI(null)), io.grpc.Status.Code.UNAUTHENTICATED);
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + issuer.token("ann",
                c -> c.expirationTime(Date.from(clock.instant().minusSeconds(120)))))), io.grpc.Status.Code.UNAUTHENTICATED);
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + issuer.token("ann", c -> c.audience("billing")))),
                io.grpc.Status.Code.UNAUTHENTICATED);
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + issuer.token("ann", c -> c.issuer("https://evil.test/")))),
                io.grpc.Status.Code.UNAUTHENTICATED);
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + new Issuer("k1", clock).token("ann"))),
                io.grpc.Status.Code.UNAUTHENTICATED);
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + issuer.unsigned("ann"))),
                io.grpc.Status.Code.UNAUTHENTICATED);
        assertThat(desk.calls).hasValue(before);
    }

    @Test
    void grpcJavaWithoutTheRoleIsPermissionDenied() {
        assertStatus(catchThrowable(() -> rawWhoAmI("Bearer " + issuer.token("guest",
                c -> c.claim("roles", List.of("guest"))))), io.grpc.Status.Code.PERMISSION_DENIED);
    }

    @Test
    void courierClientsGetTheTypedErrors() {
        assertThat(client(issuer.token("ann")).whoAmI()).isEqualTo("ann");
        assertThat(client(issuer.token("ann")).place("tea")).isEqualTo("ann placed tea");
        assertThat(client(null).status()).isEqualTo("up for anonymous");

        UnauthenticatedException missing = catchThrowableOfType(UnauthenticatedException.class,
                () -> client(null).whoAmI());
        UnauthenticatedException alg = catchThrowableOfType(UnauthenticatedException.class,
                () -> client(issuer.unsigned("ann")).whoAmI());
        PermissionDeniedException forbidden = catchThrowableOfType(PermissionDeniedException.class,
                () -> client(issuer.token("guest", c -> c.claim("roles", List.of("guest")))).whoAmI());
        PermissionDeniedException denyAll = catchThrowableOfType(PermissionDeniedException.class,
                () -> client(issuer.token("ann")).purge());

        assertThat(missing.status()).isEqualTo(Status.UNAUTHENTICATED);
        assertThat(alg).hasMessageContaining("invalid bearer token");
        assertThat(forbidden.status()).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(denyAll).hasMessageContaining("orders.purge: permission denied");
    }
}
