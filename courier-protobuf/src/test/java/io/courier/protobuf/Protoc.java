package io.courier.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code protoc} (copied into target/ by the build) on a {@code .proto} text and
 * loads the result as a {@link FileDescriptor}: the independent judge of the exported schema.
 */
final class Protoc {
    private static final List<String> WELL_KNOWN = List.of("empty", "wrappers", "timestamp", "duration");

    private Protoc() {
    }

    /** The descriptor of {@code proto}, compiled by protoc; fails the test with protoc's output if it is rejected. */
    static FileDescriptor compile(String fileName, String proto) throws Exception {
        Path dir = Files.createTempDirectory("courier-protoc");
        Path include = dir.resolve("include");
        for (String name : WELL_KNOWN) {
            Path target = include.resolve("google/protobuf/" + name + ".proto");
            Files.createDirectories(target.getParent());
            try (InputStream in = Protoc.class.getResourceAsStream("/google/protobuf/" + name + ".proto")) {
                Files.copy(in, target);
            }
        }
        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.createDirectories(src.resolve(fileName).getParent());
        Files.writeString(src.resolve(fileName), proto);
        Path out = dir.resolve("out.pb");
        // src/test/proto holds hand-written schemas that exported ones may import.
        Process p = new ProcessBuilder(executable().toString(), "-I" + src, "-I" + include,
                "-I" + Path.of("src/test/proto").toAbsolutePath(),
                "--include_imports", "--descriptor_set_out=" + out, fileName)
                .directory(src.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("protoc rejected " + fileName + ":\n" + output + "\n--- the file:\n" + proto);
        }
        return load(FileDescriptorSet.parseFrom(Files.readAllBytes(out)), fileName);
    }

    private static FileDescriptor load(FileDescriptorSet set, String fileName) throws DescriptorValidationException {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        set.getFileList().forEach(f -> protos.put(f.getName(), f));
        return build(fileName, protos, new HashMap<>());
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                        Map<String, FileDescriptor> built) throws DescriptorValidationException {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < deps.length; i++) {
            deps[i] = build(proto.getDependency(i), protos, built);
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
        built.put(name, file);
        return file;
    }

    private static Path executable() throws IOException {
        String configured = System.getProperty("courier.protoc");
        Path exe = configured != null ? Path.of(configured) : Path.of("target/protoc/protoc.exe");
        if (!Files.isRegularFile(exe)) {
            throw new AssertionError("no protoc at " + exe.toAbsolutePath() + " (expected: copied there by the build's"
                    + " generate-test-sources phase; run the tests through Maven)");
        }
        if (!Files.isExecutable(exe) && !exe.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + exe + " executable");
        }
        return exe;
    }
}
