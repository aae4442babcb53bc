package io.courier.grpc.exported;

import io.courier.protobuf.ProtoService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Run by the build (exec-maven-plugin, test-compile phase): writes the {@code .proto} that
 * Courier exports for {@link Scores} into the directory given, with the well-known files it
 * imports (from protobuf-java), for protoc and the grpc-java generator to make stubs from.
 */
public final class ExportScoresProto {
    /** Where protoc puts the generated classes, apart from the contract's own records. */
    public static final String JAVA_PACKAGE = "io.courier.grpc.exported.stubs";

    private ExportScoresProto() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("args: " + args.length + " (expected: the output directory)");
        }
        Path out = Path.of(args[0]);
        ProtoService scores = ProtoService.builder(Scores.class).javaPackage(JAVA_PACKAGE).build();
        Path file = out.resolve(scores.fileName());
        Files.createDirectories(file.getParent());
        Files.writeString(file, scores.toProto());
        for (String imported : scores.toFileDescriptorProto().getDependencyList()) {
            Path target = out.resolve(imported);
            Files.createDirectories(target.getParent());
            try (InputStream in = ExportScoresProto.class.getResourceAsStream("/" + imported)) {
                if (in == null) {
                    throw new IOException("import " + imported + " (expected: a well-known type's file in protobuf-java)");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
