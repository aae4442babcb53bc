package io.courier.contracts;

import io.courier.contracts.internal.FileDiffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Compares two versions of a contract's exported schema files, as {@link ContractDiff} compares
 * two versions of its interface, each change with the formats and directions it breaks:
 *
 * <ul>
 *   <li>{@code .proto} files (Courier's export, or the proto2/proto3 people write) and
 *       {@code FileDescriptorSet}s ({@code .pb}, {@code .desc}, {@code .protoset}, {@code .binpb}:
 *       {@code protoc --descriptor_set_out}), judged for Protobuf and gRPC: fields by number,
 *       wire types, enum numbers, rpcs by name and streaming;
 *   <li>OpenAPI 3 documents ({@code .json}, {@code .yaml}, {@code .yml} with an {@code openapi}
 *       member), judged for JSON (and XML where the document offers {@code application/xml}):
 *       operations, parameters, request and response schemas;
 *   <li>AsyncAPI 3 documents (with an {@code asyncapi} member), judged for JSON: channels,
 *       messages and their payload schemas;
 *   <li>Avro schemas ({@code .avsc}), judged for Avro by Avro's own {@code SchemaCompatibility},
 *       the new schema reading the old one's data and the other way.
 * </ul>
 *
 * <p>Either both arguments are files (of the same kind) or both are directories, such as two
 * outputs of {@code courier contract export}: then the {@code .proto} and descriptor set files
 * of each are read together as one schema, and every other file is compared with the file of
 * the same relative path. Files are read up to {@link #MAX_FILE_SIZE} bytes, directories up to
 * {@link #MAX_FILES} files. Stateless and thread-safe.
 *
 * <pre>{@code
 * List<Change> changes = ContractFiles.compare(Path.of("v1/contracts"), Path.of("v2/contracts"));
 * if (ContractDiff.breaking(changes)) { ... }
 * }</pre>
 */
public final class ContractFiles {
    /** The largest contract file read: 4 MiB. */
    public static final long MAX_FILE_SIZE = 4L << 20;
    /** The most contract files read from one directory. */
    public static final int MAX_FILES = 1000;

    private ContractFiles() {
    }

    /**
     * The changes from the files at {@code oldVersion} to those at {@code newVersion}.
     *
     * @throws UnreadableContractException when a file is missing, too large, malformed, or of a
     *                                     kind the checker does not read
     */
    public static List<Change> compare(Path oldVersion, Path newVersion) {
        return FileDiffer.compare(Objects.requireNonNull(oldVersion, "oldVersion"),
                Objects.requireNonNull(newVersion, "newVersion"));
    }
}
