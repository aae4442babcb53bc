package io.courier.contracts.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.courier.contracts.Change;
import io.courier.contracts.ContractFiles;
import io.courier.contracts.Direction;
import io.courier.contracts.Format;
import io.courier.contracts.UnreadableContractException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Two files, or two directories of files, compared by the kind of each: see {@link ContractFiles}. */
public final class FileDiffer {
    private static final Set<Format> BY_NUMBER = EnumSet.of(Format.PROTOBUF, Format.GRPC);

    private FileDiffer() {
    }

    public static List<Change> compare(Path before, Path after) {
        boolean oldDir = Files.isDirectory(before);
        boolean newDir = Files.isDirectory(after);
        for (Path p : List.of(before, after)) {
            if (!Files.exists(p)) {
                throw new UnreadableContractException(p.toString(), 0, 0, "no such file or directory");
            }
        }
        if (oldDir != newDir) {
            throw new UnreadableContractException((oldDir ? after : before).toString(), 0, 0, "a file, but "
                    + (oldDir ? before : after) + " is a directory (expected: two files or two directories)");
        }
        if (oldDir) {
            return directories(before, after);
        }
        SchemaFile o = SchemaFile.read(before, before.toString());
        SchemaFile n = SchemaFile.read(after, after.toString());
        if (o.kind() != n.kind()) {
            throw new UnreadableContractException(after.toString(), 0, 0, "a " + n.kind().label + " file, but "
                    + before + " is a " + o.kind().label + " file (expected: two files of one kind)");
        }
        if (o.kind() == SchemaFile.Kind.PROTO) {
            return proto(protos(List.of(o)), protos(List.of(n)));
        }
        return pair(o, n, o.kind().label + ": ");
    }

    private static List<Change> directories(Path before, Path after) {
        Map<String, SchemaFile> left = files(before);
        Map<String, SchemaFile> right = files(after);
        List<Change> changes = new ArrayList<>();
        List<SchemaFile> oldProtos = left.values().stream().filter(f -> f.kind() == SchemaFile.Kind.PROTO).toList();
        List<SchemaFile> newProtos = right.values().stream().filter(f -> f.kind() == SchemaFile.Kind.PROTO).toList();
        if (!oldProtos.isEmpty() || !newProtos.isEmpty()) {
            changes.addAll(proto(protos(oldProtos), protos(newProtos)));
        }
        left.forEach((name, o) -> {
            if (o.kind() == SchemaFile.Kind.PROTO) {
                return;
            }
            SchemaFile n = right.get(name);
            if (n == null || n.kind() != o.kind()) {
                changes.add(new Change(io.courier.contracts.Change.Kind.FILE_REMOVED, name, o.kind().label
                        + " file removed: the new version no longer describes what an old client relies on",
                        breaks(formats(o), EnumSet.of(Direction.OLD_CLIENT_NEW_SERVER))));
            } else {
                changes.addAll(pair(o, n, o.kind().label + " " + name + ": "));
            }
        });
        right.forEach((name, n) -> {
            if (n.kind() != SchemaFile.Kind.PROTO && (!left.containsKey(name) || left.get(name).kind() != n.kind())) {
                changes.add(new Change(io.courier.contracts.Change.Kind.FILE_ADDED, name, n.kind().label
                        + " file added", Map.of()));
            }
        });
        return List.copyOf(changes);
    }

    /** The readable files under {@code dir}, by path relative to it, in name order. */
    private static Map<String, SchemaFile> files(Path dir) {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            paths = walk.filter(Files::isRegularFile).filter(SchemaFile::readable).limit(ContractFiles.MAX_FILES + 1L)
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UnreadableContractException(dir.toString(), 0, 0, "cannot be listed: " + e, e);
        }
        if (paths.size() > ContractFiles.MAX_FILES) {
            throw new UnreadableContractException(dir.toString(), 0, 0, "more than " + ContractFiles.MAX_FILES
                    + " contract files (expected: a directory of exported files)");
        }
        Map<String, SchemaFile> files = new TreeMap<>();
        for (Path p : paths) {
            String relative = dir.relativize(p).toString().replace('\\', '/');
            files.put(relative, SchemaFile.read(p, p.toString()));
        }
        return files;
    }

    /** The files of every proto source, the first of each name kept (descriptor sets repeat their imports). */
    @SuppressWarnings("unchecked")
    private static ProtoSchema protos(List<SchemaFile> sources) {
        Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
        for (SchemaFile s : sources) {
            for (FileDescriptorProto f : (List<FileDescriptorProto>) s.content()) {
                files.putIfAbsent(f.getName(), f);
            }
        }
        return new ProtoSchema(List.copyOf(files.values()));
    }

    private static List<Change> proto(ProtoSchema before, ProtoSchema after) {
        return new ProtoDiffer(before, after, "proto: ", BY_NUMBER).all();
    }

    private static List<Change> pair(SchemaFile o, SchemaFile n, String prefix) {
        return switch (o.kind()) {
            case OPENAPI -> new OpenApiDiffer((JsonNode) o.content(), (JsonNode) n.content(), prefix).changes();
            case ASYNCAPI -> new AsyncApiDiffer((JsonNode) o.content(), (JsonNode) n.content(), prefix).changes();
            case AVRO -> new AvroDiffer(o, n, prefix).changes();
            case PROTO -> throw new IllegalStateException("proto files are compared together");
        };
    }

    private static Set<Format> formats(SchemaFile f) {
        return switch (f.kind()) {
            case PROTO -> BY_NUMBER;
            case OPENAPI -> OpenApiDiffer.formats((JsonNode) f.content());
            case ASYNCAPI -> EnumSet.of(Format.JSON);
            case AVRO -> EnumSet.of(Format.AVRO);
        };
    }

    static Map<Format, Set<Direction>> breaks(Set<Format> formats, Set<Direction> d) {
        Map<Format, Set<Direction>> m = new EnumMap<>(Format.class);
        formats.forEach(f -> m.put(f, d));
        return m;
    }
}
