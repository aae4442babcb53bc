package io.courier.contracts.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import io.courier.contracts.ContractFiles;
import io.courier.contracts.UnreadableContractException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** One contract file: its kind, told by its name (and, for JSON and YAML, its first member), and its content read. */
record SchemaFile(Kind kind, String shown, Object content) {
    enum Kind {
        PROTO("proto"), OPENAPI("openapi"), ASYNCAPI("asyncapi"), AVRO("avro");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Whether the checker reads a file of this name. */
    static boolean readable(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return List.of(".proto", ".pb", ".desc", ".protoset", ".binpb", ".avsc", ".json", ".yaml", ".yml").stream()
                .anyMatch(n::endsWith);
    }

    /**
     * Reads {@code file}, named {@code shown} in errors; a {@code .proto} file's content is its
     * {@link FileDescriptorProto}, a descriptor set's the list of them, a JSON or YAML one's the
     * tree, an {@code .avsc}'s the text.
     */
    static SchemaFile read(Path file, String shown) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        byte[] bytes = bytes(file, shown);
        if (n.endsWith(".proto")) {
            return new SchemaFile(Kind.PROTO, shown, List.of(ProtoParser.parse(shown, text(bytes, shown))));
        }
        if (n.endsWith(".pb") || n.endsWith(".desc") || n.endsWith(".protoset") || n.endsWith(".binpb")) {
            try {
                List<FileDescriptorProto> files = FileDescriptorSet.parseFrom(bytes).getFileList();
                if (files.isEmpty() || files.stream().anyMatch(f -> f.getName().isEmpty())) {
                    throw new InvalidProtocolBufferException("no named files in it");
                }
                return new SchemaFile(Kind.PROTO, shown, files);
            } catch (InvalidProtocolBufferException e) {
                throw new UnreadableContractException(shown, 0, 0, "not a FileDescriptorSet (expected: the output of"
                        + " protoc --descriptor_set_out): " + e.getMessage(), e);
            }
        }
        if (n.endsWith(".avsc")) {
            return new SchemaFile(Kind.AVRO, shown, text(bytes, shown));
        }
        if (n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml")) {
            JsonNode tree = tree(n.endsWith(".json") ? JSON : YAML, bytes, shown);
            if (tree.has("openapi")) {
                return new SchemaFile(Kind.OPENAPI, shown, version3(tree, "openapi", shown));
            }
            if (tree.has("asyncapi")) {
                return new SchemaFile(Kind.ASYNCAPI, shown, version3(tree, "asyncapi", shown));
            }
            throw new UnreadableContractException(shown, 0, 0, "neither OpenAPI nor AsyncAPI (expected: a document"
                    + " with an openapi or asyncapi member)");
        }
        throw new UnreadableContractException(shown, 0, 0, "not a contract file the checker reads (expected: .proto,"
                + " .pb/.desc/.protoset/.binpb, .avsc, or OpenAPI/AsyncAPI .json/.yaml/.yml)");
    }

    /** The document, if its {@code openapi} or {@code asyncapi} member says version 3. */
    private static JsonNode version3(JsonNode tree, String member, String shown) {
        String version = tree.get(member).asText("");
        if (!version.startsWith("3.")) {
            throw new UnreadableContractException(shown, 0, 0, member + " \"" + version + "\" (expected: 3.x)");
        }
        return tree;
    }

    private static byte[] bytes(Path file, String shown) {
        try {
            long size = Files.size(file);
            if (size > ContractFiles.MAX_FILE_SIZE) {
                throw new UnreadableContractException(shown, 0, 0, size + " bytes (expected: at most "
                        + ContractFiles.MAX_FILE_SIZE + ")");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableContractException(shown, 0, 0, "cannot be read: " + e, e);
        }
    }

    private static String text(byte[] bytes, String shown) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableContractException(shown, 0, 0, "not UTF-8 text", e);
        }
    }

    private static JsonNode tree(ObjectMapper mapper, byte[] bytes, String shown) {
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw new UnreadableContractException(shown, 0, 0, "not an object (expected: an OpenAPI or"
                        + " AsyncAPI document)");
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UnreadableContractException(shown, at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr(), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UnreadableContractException(shown, 0, 0, "cannot be read: " + e, e);
        }
    }
}
