package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContractFiles} on what {@code courier contract export} writes for the two versions of
 * {@link EvolutionTest}'s seven contracts: OpenAPI, {@code .proto}, {@code .avsc} and AsyncAPI,
 * compared directory with directory. Per case and format, the directions the files' changes
 * break are those the jar checker finds (which {@code EvolutionTest} checks against real
 * calls), but where a file cannot say what the jar does; and selected cases are checked change
 * by change.
 */
class ExportedFilesTest {
    @TempDir
    static Path dir;

    static List<Change> files(String name) {
        Path a = Exported.write(EvolutionTest.contract("v1", name), dir.resolve(name + "/v1"));
        Path b = Exported.write(EvolutionTest.contract("v2", name), dir.resolve(name + "/v2"));
        return ContractFiles.compare(a, b);
    }

    /** Per format, the directions any change breaks. */
    static Map<Format, Set<Direction>> broken(List<Change> changes, Set<Format> formats) {
        Map<Format, Set<Direction>> m = new TreeMap<>();
        for (Format f : formats) {
            Set<Direction> d = EnumSet.noneOf(Direction.class);
            changes.forEach(c -> d.addAll(c.breaks().getOrDefault(f, Set.of())));
            m.put(f, d);
        }
        return m;
    }

    @Test
    void theFilesBreakWhatTheContractBreaks() {
        // JSON and XML from OpenAPI, Protobuf and gRPC from .proto, Avro from .avsc.
        Set<Format> all = EnumSet.allOf(Format.class);
        for (String name : EvolutionTest.CASES) {
            List<Change> files = files(name);
            List<Change> jar = ContractDiff.compare(EvolutionTest.contract("v1", name),
                    EvolutionTest.contract("v2", name));
            Map<Format, Set<Direction>> expected = broken(jar, all);
            if (name.equals("Required") || name.equals("Renamed")) {
                // Neither a .proto nor an .avsc says which fields are required (Courier writes every
                // nullable component as a union with null, default null): the null rule, which refuses
                // a record without a required component, is not in these files. In "Renamed" the old
                // reader misses the new name, which Avro reads as the default null.
                expected.put(Format.AVRO, Set.of());
                if (name.equals("Required")) {
                    expected.put(Format.PROTOBUF, Set.of());
                    expected.put(Format.GRPC, Set.of());
                }
            }
            assertThat(broken(files, all)).as(name + ":\n" + String.join("\n", Lines.of(files))).isEqualTo(expected);
        }
    }

    @Test
    void aRequiredFieldAddedIsJudgedPerFlowInOpenApiAndAsyncApi() {
        assertThat(Lines.of(files("Required"))).containsExactly(
                "proto: Required.Read request > message required.RequiredItem field 3 'size' | FIELD_ADDED | compatible",
                "proto: Required.Sample response > message required.RequiredItem field 3 'size' | FIELD_ADDED | compatible",
                "asyncapi required.asyncapi.json: channel required.commands message required.read payload > RequiredItem"
                        + " property 'size' | FIELD_ADDED | JSON: old->new",
                "asyncapi required.asyncapi.json: channel required.commands-reply message RequiredItem payload >"
                        + " RequiredItem property 'size' | FIELD_ADDED | JSON: new->old",
                "avro required.avsc: io.courier.contracts.v1.RequiredItem | RECORD_RENAMED | compatible",
                "avro required.avsc: record io.courier.contracts.v2.RequiredItem field 'size' | FIELD_ADDED | compatible",
                "openapi required.openapi.json: POST /required/read request > RequiredItem property 'size' | FIELD_ADDED"
                        + " | JSON,XML: old->new",
                "openapi required.openapi.json: POST /required/sample response 200 > RequiredItem property 'size'"
                        + " | FIELD_ADDED | JSON,XML: new->old");
    }

    @Test
    void anOptionalFieldAddedBreaksNothing() {
        List<Change> changes = files("Added");

        assertThat(changes).isNotEmpty();
        assertThat(ContractDiff.breaking(changes)).as(String.join("\n", Lines.of(changes))).isFalse();
    }
}
