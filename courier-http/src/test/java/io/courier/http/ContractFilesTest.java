package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.annotation.Service;
import io.courier.avro.AvroCodec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schema files a running server serves at {@code /contracts/<service>.<extension>}: the
 * {@code .proto} of courier-protobuf and the {@code .avsc} of courier-avro (both on this test's
 * class path), under the contract's own names, and nothing when turned off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractFilesTest {
    /** A ticket. */
    public record Ticket(String id, List<Line> lines, Optional<String> note, Priority priority) {
    }

    /** A line of a ticket. */
    public record Line(String dish, int quantity) {
    }

    /** How soon. */
    public enum Priority { NORMAL, URGENT }

    @Service("kitchen")
    public interface Kitchen {
        Ticket create(Ticket ticket);

        Line first(Ticket ticket);
    }

    private static final class KitchenImpl implements Kitchen {
        @Override
        public Ticket create(Ticket ticket) {
            return ticket;
        }

        @Override
        public Line first(Ticket ticket) {
            return ticket.lines().getFirst();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private Courier off;

    @BeforeAll
    void start() {
        server = Courier.builder().build().serve(Kitchen.class, new KitchenImpl());
        off = Courier.builder().transport(HttpTransportFactory.builder().contracts(false).build()).build()
                .serve(Kitchen.class, new KitchenImpl());
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
        off.close();
    }

    private HttpResponse<String> get(Courier from, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(from.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theProtoFileIsTheContractsOwnExport() throws Exception {
        HttpResponse<String> r = get(server, "/contracts/kitchen.proto");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo(io.courier.protobuf.ProtoService.of(Kitchen.class).toProto())
                .contains("service Kitchen {", "message Ticket {", "message Line {", "enum Priority {");
    }

    @Test
    void theAvroFileParsesBackToTheSchemasTheCodecWritesWith() throws Exception {
        HttpResponse<String> r = get(server, "/contracts/kitchen.avsc");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        Schema union = new Schema.Parser().parse(r.body());
        assertThat(union.getTypes()).extracting(Schema::getFullName)
                .containsExactly(Ticket.class.getPackageName() + ".Ticket", Line.class.getPackageName() + ".Line");
        assertThat(union.getTypes().getFirst().toString()).contains("\"name\":\"Priority\"");
        assertThat(union.getTypes().getFirst()).isEqualTo(AvroCodec.schemaOf(Ticket.class));
    }

    @Test
    void anUnknownFileIsNotFoundNamingTheFilesThereAre() throws Exception {
        HttpResponse<String> r = get(server, "/contracts/kitchen.thrift");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"detail\":\"no contract file kitchen.thrift (expected: one of [kitchen.avsc,"
                + " kitchen.proto])\"", "\"code\":\"NOT_FOUND\"");
    }

    @Service("twoLines")
    public interface TwoLines {
        io.courier.http.mine.Line mine(io.courier.http.mine.Line line);

        io.courier.http.other.Line theirs(io.courier.http.other.Line line);
    }

    @Test
    void twoRecordsOfOneSimpleNameInTwoPackagesAreRefusedWithAMessageSayingToRenameOne() throws Exception {
        assertThatThrownBy(() -> OpenApi.json("lines", List.of(TwoLines.class), List.of()))
                .isInstanceOf(io.courier.contract.InvalidContractException.class)
                .hasMessage("io.courier.http.other.Line and io.courier.http.mine.Line would both be the JSON schema"
                        + " Line (expected: distinct simple names; rename one, or nest it in a class whose name"
                        + " qualifies it)");
        try (Courier lines = Courier.builder().build().serve(TwoLines.class, new TwoLines() {
            @Override
            public io.courier.http.mine.Line mine(io.courier.http.mine.Line line) {
                return line;
            }

            @Override
            public io.courier.http.other.Line theirs(io.courier.http.other.Line line) {
                return line;
            }
        })) {
            HttpResponse<String> r = get(lines, "/openapi.json");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).startsWith("/openapi.json: cannot be written: io.courier.http.other.Line and"
                    + " io.courier.http.mine.Line would both be the JSON schema Line");
        }
        // Avro names a record in its package's namespace: both keep their simple names.
        assertThat(AvroCodec.schemaOf(io.courier.http.mine.Line.class).getFullName()).isEqualTo("io.courier.http.mine.Line");
        assertThat(AvroCodec.schemaOf(io.courier.http.other.Line.class).getFullName())
                .isEqualTo("io.courier.http.other.Line");
    }

    /** A grid of numbers: a list of lists, which Protobuf has no field for (a repeated field holds no lists). */
    public record Grid(List<List<Integer>> rows) {
    }

    @Service("grids")
    public interface Grids {
        Grid transpose(Grid grid);
    }

    /**
     * A contract Protobuf cannot describe has no {@code .proto} file: 404 with a problem body
     * saying so and naming the user's type and field, not 500 with Java's type names and no
     * stack trace; its other files are still served.
     */
    @Test
    void aContractWithoutAProtobufFormIsNotFoundSayingWhy() throws Exception {
        try (Courier grids = Courier.builder().build().serve(Grids.class, grid -> grid)) {
            HttpResponse<String> r = get(grids, "/contracts/grids.proto");

            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("\"code\":\"NOT_FOUND\"",
                            "no contract file grids.proto: grids has no .proto form: Grid.rows: type List<Integer> nested in")
                    .doesNotContain("java.util.", "java.lang.", "Exception", "\tat ");
            assertThat(get(grids, "/contracts/grids.avsc").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void turnedOffNothingIsServed() throws Exception {
        assertThat(get(off, "/contracts/kitchen.proto").statusCode()).isEqualTo(404);
        assertThat(get(off, "/contracts/kitchen.proto").body()).doesNotContain("service Kitchen");
        assertThat(get(server, "/contracts/kitchen.proto").statusCode()).isEqualTo(200);
    }
}
