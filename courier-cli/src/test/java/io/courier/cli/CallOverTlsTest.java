package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.Tls;
import io.courier.test.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier call} to a server that speaks only TLS and asks for a client certificate, over
 * REST ({@code https://}) and gRPC ({@code grpcs://}), with the test CA's files.
 */
class CallOverTlsTest {
    @TempDir
    Path dir;

    private TestCertificates.Files pki;
    private Courier server;
    private String authority;

    @BeforeEach
    void serve() {
        pki = TestCertificates.writeFiles(dir);
        server = Courier.builder().name("greeter-tls").port(0).tls(Tls.builder()
                        .keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca())
                        .clientAuth(Tls.ClientAuth.REQUIRE).build())
                .build();
        server.serve(Greeter.class, new Greeter.Impl());
        authority = server.uri().getRawAuthority();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] withCertificate(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 6);
        System.arraycopy(new String[] {"--cacert", pki.ca().toString(), "--cert", pki.clientCert().toString(),
                "--key", pki.clientKey().toString()}, 0, all, args.length, 6);
        return all;
    }

    @Test
    void callsOverHttpsAndGrpcsWithTheCaAndAClientCertificate() {
        Cli rest = Cli.run(withCertificate("call", "greeter", "byName", "--http", "GET /greetings/Bob",
                "--target", "https://" + authority));
        assertThat(rest.exit).as("%s", rest).isZero();
        assertThat(rest.out.toString()).contains("Hello, Bob");

        Cli grpc = Cli.run(withCertificate("call", "greeter", "greet", "{\"name\":\"Ada\",\"age\":36}",
                "--target", "grpcs://" + authority));
        assertThat(grpc.exit).as("%s", grpc).isZero();
        assertThat(grpc.out.toString()).contains("\"text\" : \"Hello, Ada (36)\"");

        Cli error = Cli.run(withCertificate("call", "greeter", "byName", "{\"name\":\"nobody\"}",
                "--target", "grpcs://" + authority));
        assertThat(error.exit).isEqualTo(1);
        assertThat(error.err.toString()).contains("NOT_FOUND (gRPC 5) from grpcs://");
    }

    @Test
    void withoutTheCaOrTheCertificateNothingIsCalledAndTheReasonIsShown() {
        Cli untrusted = Cli.run("call", "greeter", "byName", "--http", "GET /greetings/Bob", "--target",
                "https://" + authority);
        assertThat(untrusted.exit).isEqualTo(1);
        assertThat(untrusted.err.toString()).contains("Nothing answered").contains("https://" + authority)
                .contains("(the server's certificate is not signed by a CA trusted here: give that CA with --cacert)");

        Cli noCertificate = Cli.run("call", "greeter", "greet", "{}", "--target", "grpcs://" + authority,
                "--cacert", pki.ca().toString());
        assertThat(noCertificate.exit).isEqualTo(1);
        assertThat(noCertificate.err.toString()).contains("Nothing answered")
                .contains("(the server asks for a client certificate: give it with --cert and --key)");
    }

    @Test
    void tlsOptionsAreCheckedBeforeAnythingIsCalled() {
        Cli cleartext = Cli.run("call", "greeter", "greet", "{}", "--target", "http://" + authority,
                "--cacert", pki.ca().toString());
        assertThat(cleartext.exit).isNotZero();
        assertThat(cleartext.err.toString()).contains("--cacert, --cert and --key are for a TLS target");

        Cli keyless = Cli.run("call", "greeter", "greet", "{}", "--target", "https://" + authority,
                "--cert", pki.clientCert().toString());
        assertThat(keyless.exit).isNotZero();
        assertThat(keyless.err.toString()).contains("--cert and --key").contains("expected: both");

        Cli missing = Cli.run("call", "greeter", "greet", "{}", "--target", "https://" + authority,
                "--cacert", dir.resolve("nothing.pem").toString());
        assertThat(missing.exit).isNotZero();
        assertThat(missing.err.toString()).contains("nothing.pem: not a readable file");
    }
}
