package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.backend.LocalDiscovery;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier call} against a real server found through a local registry of the test's own. */
class CallCommandTest {
    @TempDir
    Path dir;

    private Courier server;

    @BeforeEach
    void serve() {
        server = Courier.builder().name("greeter-1").port(0).discovery(LocalDiscovery.builder().directory(dir).build()).build();
        server.serve(Greeter.class, new Greeter.Impl());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void callsAnUnmappedMethodFoundThroughDiscovery() {
        Cli c = Cli.run("call", "greeter", "greet", "{\"name\":\"Ada\",\"age\":36}", "--dir", dir.toString());
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("\"text\" : \"Hello, Ada (36)\"");
    }

    @Test
    void callsAMappedMethodByItsRouteAtATarget() {
        Cli c = Cli.run("call", "greeter", "byName", "--http", "GET /greetings/Bob", "--target", server.uri().toString());
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("Hello, Bob");
    }

    @Test
    void aTypedErrorIsShownReadablyWithExitOne() {
        Cli c = Cli.run("call", "greeter", "byName", "--http", "GET /greetings/nobody", "--dir", dir.toString());
        assertThat(c.exit).isEqualTo(1);
        assertThat(c.err.toString()).contains("NOT_FOUND (HTTP 404) from GET http://").contains("  no greeting for nobody")
                .contains("  name: nobody");

        Cli bad = Cli.run("call", "greeter", "greet", "{\"name\":\"Ada\",\"age\":\"old\"}", "--dir", dir.toString());
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err.toString()).contains("INVALID_ARGUMENT (HTTP 400)").contains("age");

        Cli unmapped = Cli.run("call", "greeter", "byName", "--dir", dir.toString());
        assertThat(unmapped.exit).isEqualTo(1);
        assertThat(unmapped.err.toString()).contains("(HTTP 40").contains("give it with --http 'VERB /path'");
    }

    @Test
    void callsOverGrpcWithoutStubsFromTheServedContract() {
        Cli c = Cli.run("call", "greeter", "greet", "{\"name\":\"Ada\",\"age\":36}", "--transport", "grpc", "--dir", dir.toString());
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("\"text\" : \"Hello, Ada (36)\"");

        // A mapped method is found by its name over gRPC: no route; its parameters are the message's members.
        String grpc = "grpc://" + server.uri().getRawAuthority();
        Cli mapped = Cli.run("call", "greeter", "byName", "{\"name\":\"Bob\"}", "--target", grpc);
        assertThat(mapped.exit).as("%s", mapped).isZero();
        assertThat(mapped.out.toString()).contains("Hello, Bob");
    }

    @Test
    void aTypedErrorOverGrpcIsShownAsOverRest() {
        Cli c = Cli.run("call", "greeter", "byName", "{\"name\":\"nobody\"}", "--transport", "grpc", "--dir", dir.toString());
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("NOT_FOUND (gRPC 5) from grpc://", "/greeter.Greeter/ByName:")
                .contains("  no greeting for nobody").contains("  name: nobody");

        Cli bad = Cli.run("call", "greeter", "greet", "{\"name\":\"Ada\",\"age\":\"old\"}", "--transport", "grpc",
                "--dir", dir.toString());
        assertThat(bad.exit).isEqualTo(1);
        assertThat(bad.err.toString()).contains("INVALID_ARGUMENT (gRPC 3)").contains("age");

        Cli unknown = Cli.run("call", "greeter", "wave", "{}", "--transport", "grpc", "--dir", dir.toString());
        assertThat(unknown.exit).isEqualTo(1);
        assertThat(unknown.err.toString()).contains("greeter has no method wave in its served contract")
                .contains("[ByName, Greet]");

        Cli route = Cli.run("call", "greeter", "byName", "--transport", "grpc", "--http", "GET /greetings/x");
        assertThat(route.exit).isEqualTo(2);
        assertThat(route.err.toString()).contains("expected: no --http with --transport grpc");
    }

    @Test
    void nothingAnsweringOverGrpcSaysWhatWasTried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli down = Cli.run("call", "greeter", "greet", "{}", "--target", "grpc://127.0.0.1:" + closedPort);
        assertThat(down.exit).isEqualTo(1);
        assertThat(down.err.toString()).contains("Nothing answered. Tried:",
                "GET http://127.0.0.1:" + closedPort + "/contracts/greeter.proto: connection refused (nothing listens there)");
    }

    @Test
    void nothingAnsweringSaysWhatWasTriedWhereAndWhatToDo() throws Exception {
        Cli none = Cli.run("call", "billing", "charge", "{}", "--dir", dir.toString());
        assertThat(none.exit).isEqualTo(1);
        assertThat(none.err.toString()).contains("No instance of billing that is up and serves REST (http://) in the local registry "
                + dir).contains("Known services: greeter").contains("--target http://HOST:PORT");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli down = Cli.run("call", "greeter", "greet", "{}", "--target", "http://127.0.0.1:" + closedPort);
        assertThat(down.exit).isEqualTo(1);
        assertThat(down.err.toString()).contains("Nothing answered. Tried:", "POST http://127.0.0.1:" + closedPort + "/greeter/greet: connection refused (nothing listens there)")
                .contains("Is the service running there?");

        Cli json = Cli.run("call", "greeter", "greet", "{oops", "--dir", dir.toString());
        assertThat(json.exit).isEqualTo(2);
        assertThat(json.err.toString()).contains("JSON: not JSON");
    }
}
