package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContractDiff} on a contract whose body and result are protoc-generated classes: two
 * versions of one {@code .proto}, compiled here by protoc and javac into two class directories
 * (as two jars of an API would hold them), compared through the classes' descriptors, field by
 * field, rather than by class name.
 */
class GeneratedClassesTest {
    private static final String CONTRACT = """
            package com.acme;

            import io.courier.annotation.Service;

            @Service("greeter")
            public interface Greeter {
                com.acme.proto.Reply greet(com.acme.proto.Hello hello);
            }
            """;
    private static final String V1 = """
            syntax = "proto3";
            package acme;
            option java_package = "com.acme.proto";
            option java_multiple_files = true;

            message Hello { string name = 1; int32 count = 2; Mood mood = 3; }
            enum Mood { MOOD_UNKNOWN = 0; MOOD_HAPPY = 1; }
            message Reply { string text = 1; repeated string tags = 2; }
            """;
    /** count becomes a string, a mood is added, Reply gains a field and loses tags' list. */
    private static final String V2 = """
            syntax = "proto3";
            package acme;
            option java_package = "com.acme.proto";
            option java_multiple_files = true;

            message Hello { string name = 1; string count = 2; Mood mood = 3; }
            enum Mood { MOOD_UNKNOWN = 0; MOOD_HAPPY = 1; MOOD_SAD = 2; }
            message Reply { string text = 1; string tags = 2; int64 at = 3; }
            """;

    @TempDir
    Path dir;

    @Test
    void generatedMessagesAreComparedByTheirDescriptors() throws Exception {
        Class<?> v1 = build("v1", V1);
        Class<?> v2 = build("v2", V2);

        assertThat(Lines.of(ContractDiff.compare(v1, v2))).containsExactly(
                "greeter.greet(hello) > message acme.Hello field 2 'count' | TYPE_CHANGED | Protobuf,gRPC: old->new, new->old",
                "greeter.greet(hello) > enum acme.Mood value MOOD_SAD | ENUM_CONSTANT_ADDED | Protobuf,gRPC: new->old",
                "greeter.greet result > message acme.Reply field 2 'tags' | TYPE_CHANGED | Protobuf,gRPC: new->old",
                "greeter.greet result > message acme.Reply field 3 'at' | FIELD_ADDED | compatible");
        assertThat(ContractDiff.compare(v1, build("v1-again", V1))).isEmpty();
    }

    /** protoc and javac of {@code proto} and the contract, loaded by a class loader of their own. */
    private Class<?> build(String version, String proto) throws IOException, InterruptedException {
        Path src = dir.resolve(version + "/src");
        Path classes = dir.resolve(version + "/classes");
        Files.createDirectories(src.resolve("com/acme"));
        Files.createDirectories(classes);
        Files.writeString(src.resolve("greeter.proto"), proto);
        Files.writeString(src.resolve("com/acme/Greeter.java"), CONTRACT);
        Path protoc = Path.of(System.getProperty("protoc", "target/protoc/protoc.exe"));
        protoc.toFile().setExecutable(true);
        Process p = new ProcessBuilder(protoc.toAbsolutePath().toString(), "-I" + src, "--java_out=" + src,
                "greeter.proto").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> args = new ArrayList<>(List.of("-parameters", "-proc:none", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path")));
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac " + version).isZero();
        URLClassLoader loader = new URLClassLoader(version, new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader());
        try {
            return Class.forName("com.acme.Greeter", false, loader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
