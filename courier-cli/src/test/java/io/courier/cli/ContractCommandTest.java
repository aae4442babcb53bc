package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier contract export} and {@code check} on real jars: two versions of one
 * interface, {@code com.acme.Orders}, compiled from source here and packed as jars, as a build
 * would publish them.
 */
class ContractCommandTest {
    private static final String V1 = """
            package com.acme;

            import io.courier.annotation.Service;
            import java.util.Optional;

            @Service("orders")
            public interface Orders {
                record Order(String id, int quantity, Optional<String> note, Status status) {}

                enum Status { NEW, PAID }

                Order place(Order order);

                void cancel(String id);
            }
            """;
    /** quantity widened to long, note removed, size (required) added, a status added, cancel removed. */
    private static final String V2 = """
            package com.acme;

            import io.courier.annotation.Service;

            @Service("orders")
            public interface Orders {
                record Order(String id, long quantity, Size size, Status status) {}

                record Size(int width, int height) {}

                enum Status { NEW, PAID, SHIPPED }

                Order place(Order order);
            }
            """;
    /** Only an optional field added: compatible everywhere. */
    private static final String V1_1 = V1.replace("Status status) {}", "Status status, Optional<String> gift) {}");

    @TempDir
    static Path dir;
    static Path v1;
    static Path v2;
    static Path v11;

    @BeforeAll
    static void buildJars() throws IOException {
        v1 = jar("v1", V1);
        v2 = jar("v2", V2);
        v11 = jar("v1.1", V1_1);
    }

    private static Path jar(String version, String source) throws IOException {
        Path src = dir.resolve(version + "/src/com/acme/Orders.java");
        Path classes = dir.resolve(version + "/classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-parameters", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"),
                src.toString());
        assertThat(status).as("javac " + version).isZero();
        Path jar = dir.resolve("orders-api-" + version + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void checkListsEachChangeAndFailsOnBreakingOnes() {
        Cli c = Cli.run("contract", "check", v1.toString(), v2.toString(), "--class", "com.acme.Orders");

        assertThat(c.exit).as(c.toString()).isEqualTo(1);
        String out = c.out.toString();
        assertThat(out).contains("""
                BREAKING   FIELD_ADDED orders.place(order) > Order.size
                  field size (Size, Protobuf 3) added, required: a new server refuses an old client's value, which lacks it
                  old client -> new server: breaks JSON, XML, Protobuf, Avro, gRPC
                  new client -> old server: compatible
                """);
        assertThat(out).contains("""
                BREAKING   TYPE_CHANGED orders.place(order) > Order.quantity
                  type changed from int to long
                  old client -> new server: compatible
                  new client -> old server: breaks JSON, XML, Protobuf, Avro, gRPC
                """);
        assertThat(out).contains("""
                BREAKING   TYPE_CHANGED orders.place(order) > Order.#3
                  Protobuf field 3 was note (Optional<string>) and is now size (Size): a reader takes one for the\
                 other (reserve a removed field's number; give the new one another)
                  old client -> new server: breaks Protobuf, gRPC
                  new client -> old server: breaks Protobuf, gRPC
                """)
                .contains("compatible FIELD_REMOVED orders.place(order) > Order.note")
                .contains("BREAKING   ENUM_CONSTANT_ADDED orders.place(order) > Order.status > Status.SHIPPED")
                .contains("""
                        BREAKING   METHOD_REMOVED orders.cancel
                          method cancel removed: an old client calling it fails
                          old client -> new server: breaks JSON, XML, Protobuf, Avro, gRPC
                          new client -> old server: compatible
                        """)
                .endsWith("breaking in JSON, XML, Protobuf, Avro, gRPC.\n");
    }

    @Test
    void aCompatibleVersionPassesTheGate() {
        Cli c = Cli.run("contract", "check", v1.toString(), v11.toString(), "--class", "com.acme.Orders");

        assertThat(c.exit).as(c.toString()).isZero();
        assertThat(c.out.toString()).contains("compatible FIELD_ADDED orders.place(order) > Order.gift")
                .doesNotContain("BREAKING").endsWith("2 change(s), 0 breaking in JSON, XML, Protobuf, Avro, gRPC.\n");
    }

    @Test
    void onlyTheFormatsAskedForDecide() {
        Cli json = Cli.run("contract", "check", v1.toString(), v2.toString(), "--class", "com.acme.Orders",
                "--format", "json");

        assertThat(json.exit).isEqualTo(1); // the required field added still breaks JSON
        assertThat(json.out.toString()).contains("""
                compatible TYPE_CHANGED orders.place(order) > Order.#3
                """).contains("""
                  old client -> new server: compatible
                  new client -> old server: compatible
                """).endsWith("breaking in JSON.\n");
    }

    @Test
    void exportWritesTheOpenApiProtoAvroAndAsyncApiFiles() throws IOException {
        Path out = dir.resolve("exported");

        Cli c = Cli.run("contract", "export", "--class", "com.acme.Orders", "--classpath", v2.toString(), "--out",
                out.toString());

        assertThat(c.exit).as(c.toString()).isZero();
        assertThat(c.out.toString()).contains("Wrote " + out.resolve("orders.openapi.json"))
                .contains("Wrote " + out.resolve("orders.proto")).contains("Wrote " + out.resolve("orders.avsc"));
        assertThat(Files.readString(out.resolve("orders.proto"))).contains("service Orders {", "message Order {",
                "message Size {", "rpc Place(.orders.Order) returns (.orders.Order);");
        Schema avro = new Schema.Parser().parse(out.resolve("orders.avsc").toFile());
        assertThat(avro.getTypes()).extracting(Schema::getFullName).containsExactly("com.acme.Order");
        assertThat(Files.readString(out.resolve("orders.openapi.json"))).contains("\"openapi\" : \"3.1.0\"",
                "\"operationId\" : \"orders.place\"");
        // The contract as the commands its service handles: an operation per method, with the reply.
        assertThat(c.out.toString()).contains("Wrote " + out.resolve("orders.asyncapi.json"));
        assertThat(Files.readString(out.resolve("orders.asyncapi.json"))).contains("\"asyncapi\" : \"3.0.0\"",
                "\"handle_command-orders.place-orders\"", "\"action\" : \"receive\"",
                "\"location\" : \"$message.header#/courier-reply-to\"", "\"$ref\" : \"#/components/schemas/Order\"");
    }

    @Test
    void mistakesExitWithTwoAndSayWhatWasExpected() {
        Cli missing = Cli.run("contract", "check", v1.toString(), v2.toString(), "--class", "com.acme.Nothing");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err.toString()).startsWith("courier check: class com.acme.Nothing not found in " + v1
                + " (expected: the contract interface's binary name");

        Cli thrift = Cli.run("contract", "export", "--class", "com.acme.Orders", "--classpath", v1.toString(),
                "--out", dir.toString(), "--format", "thrift");
        assertThat(thrift.exit).isEqualTo(2);
        assertThat(thrift.err.toString()).contains("--format thrift (expected: openapi, proto, avro or asyncapi)");

        Cli noClass = Cli.run("contract", "check", v1.toString(), v2.toString());
        assertThat(noClass.exit).isEqualTo(2);
        assertThat(noClass.err.toString()).contains("a jar without --class (expected: --class INTERFACE");

        Cli nofile = Cli.run("contract", "check", dir.resolve("none.jar").toString(), v2.toString(), "--class",
                "com.acme.Orders");
        assertThat(nofile.exit).isEqualTo(2);
        assertThat(nofile.err.toString()).contains("none.jar: no such file or directory (expected: a jar or a"
                + " directory of classes)");
    }

    /** {@code contract export} of {@code jar} into {@code name}, through the command line. */
    private static Path export(Path jar, String name) {
        Path out = dir.resolve(name);
        Cli c = Cli.run("contract", "export", "--class", "com.acme.Orders", "--classpath", jar.toString(), "--out",
                out.toString());
        assertThat(c.exit).as(c.toString()).isZero();
        return out;
    }

    @Test
    void checkComparesExportedFilesWithoutTheJars() {
        Path a = export(v1, "files-v1");
        Path b = export(v2, "files-v2");

        Cli c = Cli.run("contract", "check", a.toString(), b.toString());

        assertThat(c.exit).as(c.toString()).isEqualTo(1);
        assertThat(c.out.toString()).contains("""
                BREAKING   TYPE_CHANGED proto: Orders.Place request > message orders.Order field 3 'size'
                  type string -> orders.Size: neither reads the other's value (another wire type, or another\
                 meaning of the same bits)
                  old client -> new server: breaks Protobuf, gRPC
                  new client -> old server: breaks Protobuf, gRPC
                """)
                .contains("""
                        BREAKING   METHOD_REMOVED proto: rpc orders.Orders.Cancel
                          rpc Cancel removed: an old client calling it fails
                          old client -> new server: breaks gRPC
                          new client -> old server: compatible
                        """)
                .contains("""
                        BREAKING   FIELD_ADDED openapi orders.openapi.json: POST /orders/place request > Order property 'size'
                          added, object, required: a new reader refuses an old writer's value, which lacks it
                          old client -> new server: breaks JSON, XML
                          new client -> old server: compatible
                        """)
                .contains("BREAKING   METHOD_REMOVED openapi orders.openapi.json: POST /orders/cancel")
                .contains("BREAKING   ENUM_CONSTANT_ADDED avro orders.avsc: ")
                .contains("BREAKING   FIELD_ADDED asyncapi orders.asyncapi.json: ");
    }

    @Test
    void compatibleFilesPassTheGateAndOnlyTheFormatsAskedForDecide() {
        Path a = export(v1, "gate-v1");
        Path b = export(v11, "gate-v11");

        Cli c = Cli.run("contract", "check", a.toString(), b.toString());
        assertThat(c.exit).as(c.toString()).isZero();
        assertThat(c.out.toString()).doesNotContain("BREAKING")
                .contains("compatible FIELD_ADDED openapi orders.openapi.json: POST /orders/place request > Order"
                        + " property 'gift'");

        // The .proto alone: a field added breaks nothing there, whatever else changed in v2.
        Cli proto = Cli.run("contract", "check", export(v1, "p-v1").resolve("orders.proto").toString(),
                export(v2, "p-v2").resolve("orders.proto").toString(), "--format", "json");
        assertThat(proto.exit).as(proto.toString()).isZero();
        assertThat(proto.out.toString()).endsWith("breaking in JSON.\n");
    }

    @Test
    void unreadableFilesExitWithThreeNamingFileLineAndColumn() throws IOException {
        Path good = export(v1, "bad-v1").resolve("orders.proto");
        Path bad = dir.resolve("bad/orders.proto");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "syntax = \"proto3\";\nmessage Order {\n  strin id = 1\n}\n");

        Cli c = Cli.run("contract", "check", good.toString(), bad.toString());

        assertThat(c.exit).as(c.toString()).isEqualTo(3);
        assertThat(c.err.toString()).isEqualTo("courier check: " + bad + ":4:1: unexpected '}' (expected: ';')\n");
        assertThat(c.out.toString()).isEmpty();

        Cli missing = Cli.run("contract", "check", good.toString(), dir.resolve("nothing.proto").toString());
        assertThat(missing.exit).isEqualTo(3);
        assertThat(missing.err.toString()).contains("nothing.proto: no such file or directory");
    }

    @Test
    void helpShowsTheFileFormsAndTheExitStatuses() {
        Cli c = Cli.run("contract", "check", "--help");

        assertThat(c.exit).isZero();
        assertThat(c.out.toString()).contains("courier contract check build/contracts-1.4 build/contracts-1.5",
                "Without it, they are exported schema files", "3 a contract file or jar that cannot be read");
    }
}
