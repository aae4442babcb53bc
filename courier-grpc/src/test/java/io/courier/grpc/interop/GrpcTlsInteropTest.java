package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.PeerIdentity;
import io.courier.Tls;
import io.courier.UnavailableException;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Courier's gRPC over TLS with stock grpc-java on the other end: grpc-java calling a Courier
 * server over TLS and mutual TLS (refused without a certificate under REQUIRE), the handler
 * seeing the client's SPIFFE ID, a Courier {@code grpcs://} client calling a grpc-java TLS
 * server, gRPC-Web over TLS, and certificate files replaced while a channel is open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcTlsInteropTest {
    /** Says hello and who the caller's certificate says it is. */
    static final class PeerGreeter extends HelloGreeter {
        @Override
        public HelloReply sayHello(HelloRequest request) {
            String who = CallContext.current().peer().flatMap(PeerIdentity::spiffeId).map(URI::toString)
                    .orElse("anonymous");
            return HelloReply.newBuilder().setMessage("Hello " + request.getName() + " from " + who).build();
        }
    }

    @TempDir
    Path dir;
    private TestCertificates.Files pki;
    private Courier server;
    private ManagedChannel channel;
    private Server grpcJava;

    @BeforeEach
    void pki() {
        pki = TestCertificates.writeFiles(dir);
    }

    @AfterEach
    void close() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (grpcJava != null) {
            grpcJava.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private Tls.Builder serverTls() {
        return Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca());
    }

    /** A Courier serving the greeter with gRPC alone, on its own port. */
    private Courier serve(Tls tls) {
        server = Courier.builder().name("grpc-tls").tls(tls).transport(GrpcTransportFactory.builder().build()).build()
                .serve(Greeter.class, new PeerGreeter());
        return server;
    }

    private ManagedChannel channel(Courier to, boolean withClientCert) throws Exception {
        TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder().trustManager(pki.ca().toFile());
        if (withClientCert) {
            creds.keyManager(pki.clientCert().toFile(), pki.clientKey().toFile());
        }
        channel = Grpc.newChannelBuilderForAddress("localhost", to.address().getPort(), creds.build()).build();
        return channel;
    }

    private static HelloRequest hello(String name) {
        return HelloRequest.newBuilder().setName(name).build();
    }

    @Test
    void grpcJavaCallsACourierServerOverTls() throws Exception {
        Courier s = serve(serverTls().build());

        assertThat(s.uris()).anyMatch(u -> u.getScheme().equals("grpcs"));
        HelloReply reply = GreeterGrpc.newBlockingStub(channel(s, false)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .sayHello(hello("tls"));

        assertThat(reply.getMessage()).isEqualTo("Hello tls from anonymous");
    }

    @Test
    void grpcJavaCallsOverMutualTlsAndTheHandlerSeesItsSpiffeId() throws Exception {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build());

        HelloReply reply = GreeterGrpc.newBlockingStub(channel(s, true)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .sayHello(hello("mtls"));

        assertThat(reply.getMessage()).isEqualTo("Hello mtls from " + TestCertificates.CLIENT_SPIFFE_ID);
    }

    @Test
    void grpcJavaWithoutACertificateIsRefusedUnderRequire() throws Exception {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build());
        GreeterGrpc.GreeterBlockingStub stub = GreeterGrpc.newBlockingStub(channel(s, false))
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        Throwable thrown = catchThrowable(() -> stub.sayHello(hello("nobody")));

        assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) thrown).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void grpcJavaCallsOverMutualTlsOnTheRestPort() throws Exception {
        server = Courier.builder().name("shared-tls").tls(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build())
                .transport(HttpTransportFactory.builder().build()).transport(GrpcTransportFactory.builder().build())
                .build().serve(Greeter.class, new PeerGreeter());
        assertThat(server.uri().getScheme()).isEqualTo("https");

        HelloReply reply = GreeterGrpc.newBlockingStub(channel(server, true)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .sayHello(hello("shared"));

        assertThat(reply.getMessage()).isEqualTo("Hello shared from " + TestCertificates.CLIENT_SPIFFE_ID);
    }

    @Test
    void grpcWebCallsOverTlsOnTheRestPort() throws Exception {
        server = Courier.builder().name("web-tls").tls(serverTls().build())
                .transport(HttpTransportFactory.builder().build()).transport(GrpcTransportFactory.builder().build())
                .build().serve(Greeter.class, new PeerGreeter());
        byte[] message = hello("web").toByteArray();
        byte[] body = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(pki.authority().trustStore());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);

        HttpResponse<byte[]> response;
        try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build()) {
            response = http.send(HttpRequest.newBuilder(server.uri().resolve("/interop.Greeter/SayHello"))
                    .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }

        assertThat(response.statusCode()).isEqualTo(200);
        ByteBuffer in = ByteBuffer.wrap(response.body());
        assertThat(in.get()).isEqualTo((byte) 0);
        byte[] reply = new byte[in.getInt()];
        in.get(reply);
        assertThat(HelloReply.parseFrom(reply).getMessage()).isEqualTo("Hello web from anonymous");
        assertThat(new String(response.body(), StandardCharsets.US_ASCII)).contains("grpc-status:0");
    }

    @Test
    void aCourierClientCallsAGrpcJavaServerOverMutualTls() throws Exception {
        ServerCredentials creds = TlsServerCredentials.newBuilder()
                .keyManager(pki.serverCert().toFile(), pki.serverKey().toFile())
                .trustManager(pki.ca().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
        grpcJava = Grpc.newServerBuilderForPort(0, creds).addService(new GreeterGrpc.GreeterImplBase() {
            @Override
            public void sayHello(HelloRequest request, StreamObserver<HelloReply> out) {
                out.onNext(HelloReply.newBuilder().setMessage("grpc-java says hello to " + request.getName()).build());
                out.onCompleted();
            }
        }).build().start();
        Tls clientTls = Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build();
        Tls noCert = Tls.builder().trust(pki.ca()).build();
        URI target = URI.create("grpcs://localhost:" + grpcJava.getPort());
        try (Courier c = Courier.builder().name("grpcs-client").tls(clientTls)
                .transport(GrpcTransportFactory.builder().build()).build();
             Courier anonymous = Courier.builder().name("no-cert").tls(noCert)
                .transport(GrpcTransportFactory.builder().build()).build()) {
            Greeter greeter = c.client(Greeter.class).target(target).deadline(Duration.ofSeconds(10)).build();
            Greeter refused = anonymous.client(Greeter.class).target(target).deadline(Duration.ofSeconds(10)).build();

            assertThat(greeter.sayHello(hello("courier")).getMessage()).isEqualTo("grpc-java says hello to courier");
            assertThat(catchThrowable(() -> refused.sayHello(hello("nobody")))).isInstanceOf(UnavailableException.class);
        }
    }

    @Test
    void aCourierClientSaysWhyItRefusedAServer() {
        Courier s = serve(serverTls().build());
        Path otherCa = TestCertificates.authority("Other CA").writePem(dir.resolve("other-ca.crt"));
        try (Courier c = Courier.builder().name("other-trust").tls(Tls.builder().trust(otherCa).build())
                .transport(GrpcTransportFactory.builder().build()).build()) {
            Greeter greeter = c.client(Greeter.class).target(URI.create("grpcs://127.0.0.1:" + s.address().getPort()))
                    .deadline(Duration.ofSeconds(10)).build();

            assertThat(catchThrowable(() -> greeter.sayHello(hello("x")))).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("unable to find valid certification path");
        }
    }

    @Test
    void aPlaintextGrpcJavaClientCannotCallATlsServer() throws Exception {
        Courier s = serve(serverTls().build());
        channel = Grpc.newChannelBuilderForAddress("localhost", s.address().getPort(),
                io.grpc.InsecureChannelCredentials.create()).build();
        GreeterGrpc.GreeterBlockingStub stub = GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);

        assertThat(catchThrowable(() -> stub.sayHello(hello("plain")))).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void newHandshakesGetAReplacedCertificateWhileAnOpenChannelCarriesOn() throws Exception {
        Courier s = serve(serverTls().reloadInterval(Duration.ofMillis(50)).build());
        GreeterGrpc.GreeterBlockingStub stub = GreeterGrpc.newBlockingStub(channel(s, false));
        assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(hello("before")).getMessage())
                .startsWith("Hello before");
        BigInteger oldSerial = serialOfNewHandshake(s);

        TestCertificates.Issued next = pki.authority().server("server-2");
        next.writePem(pki.serverCert(), pki.serverKey());
        Await.until(Duration.ofSeconds(10), "a new handshake presenting the new certificate",
                () -> serialOfNewHandshake(s).equals(next.certificate().getSerialNumber()));

        assertThat(next.certificate().getSerialNumber()).isNotEqualTo(oldSerial);
        assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(hello("after")).getMessage())
                .startsWith("Hello after");
    }

    private BigInteger serialOfNewHandshake(Courier s) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(pki.authority().trustStore());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", s.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
