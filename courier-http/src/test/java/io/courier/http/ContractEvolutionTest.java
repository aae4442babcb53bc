package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.annotation.Service;
import io.courier.avro.AvroCodec;
import io.courier.protobuf.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.reflect.AvroAlias;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client built from version 1 of a contract calls a server built from version 2, over REST
 * in every format: fields added, removed, renamed (with aliases) and reordered, and a required
 * field added. Each case is tried in both directions: the server reading what the old client
 * wrote ({@code v1->v2}), and the old client reading what the server wrote ({@code v2->v1}).
 *
 * <p>{@link #CANNOT_SURVIVE} lists, per format, the cases its rules do not allow; the test
 * checks that exactly those fail, so a format that starts (or stops) surviving a case shows up.
 * The compatibility checker that flags them before deployment is a later part. Each contract
 * uses the default routes ({@code POST /<service>/<method>}), so one server serves them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ContractEvolutionTest {
    private static final List<String> FORMATS = List.of("application/json", "application/xml",
            "application/x-protobuf", "application/avro");

    /** Format -> the cases (and directions) it cannot survive. */
    private static final Map<String, List<String>> CANNOT_SURVIVE = Map.of(
            // JSON, XML and Avro match fields by name: an alias teaches the new reader the old name,
            // but an old reader never learns the new one. A required field the writer lacks is refused
            // by the null rule in every format.
            "application/json", List.of("added required v1->v2", "renamed v2->v1"),
            "application/xml", List.of("added required v1->v2", "renamed v2->v1"),
            "application/avro", List.of("added required v1->v2", "renamed v2->v1"),
            // Protobuf matches fields by number: a rename that keeps the number is invisible.
            "application/x-protobuf", List.of("added required v1->v2"));

    // ---- version 1 -------------------------------------------------------------------------

    public record Item1(@Field(1) String sku, @Field(2) int quantity) {}

    public record Coloured1(@Field(1) String sku, @Field(2) int quantity, @Field(3) Optional<String> colour) {}

    @Service("added")
    public interface Added1 {
        String read(Item1 item);

        Item1 sample();
    }

    @Service("removed")
    public interface Removed1 {
        String read(Coloured1 item);

        Coloured1 sample();
    }

    @Service("renamed")
    public interface Renamed1 {
        String read(Item1 item);

        Item1 sample();
    }

    @Service("reordered")
    public interface Reordered1 {
        String read(Item1 item);

        Item1 sample();
    }

    @Service("required")
    public interface Required1 {
        String read(Item1 item);

        Item1 sample();
    }

    // ---- version 2 -------------------------------------------------------------------------

    /** A field added: optional, so an old writer's absence reads as empty. */
    public record Item2Added(@Field(1) String sku, @Field(2) int quantity, @Field(3) Optional<String> note) {}

    /** {@code colour} removed. */
    public record Item2Removed(@Field(1) String sku, @Field(2) int quantity) {}

    /**
     * {@code sku} renamed {@code code}, with the old name as an alias for each format that reads
     * by name. Avro applies field aliases only inside the record of the writer's name, so this
     * record, which stands for the next version of {@code Item1} in one JVM, names it as an alias
     * too (a real contract keeps the record's name and needs only the field alias).
     */
    @AvroAlias(alias = "Item1")
    public record Item2Renamed(@Field(1) @JsonAlias("sku") @AvroAlias(alias = "sku") String code, @Field(2) int quantity) {}

    /** The same fields in the other order. */
    public record Item2Reordered(@Field(2) int quantity, @Field(1) String sku) {}

    public record Size(@Field(1) int width, @Field(2) int height) {}

    /** A required field added: an old writer cannot provide it. */
    public record Item2Required(@Field(1) String sku, @Field(2) int quantity, @Field(3) Size size) {}

    @Service("added")
    public interface Added2 {
        String read(Item2Added item);

        Item2Added sample();
    }

    @Service("removed")
    public interface Removed2 {
        String read(Item2Removed item);

        Item2Removed sample();
    }

    @Service("renamed")
    public interface Renamed2 {
        String read(Item2Renamed item);

        Item2Renamed sample();
    }

    @Service("reordered")
    public interface Reordered2 {
        String read(Item2Reordered item);

        Item2Reordered sample();
    }

    @Service("required")
    public interface Required2 {
        String read(Item2Required item);

        Item2Required sample();
    }

    private final List<Courier> couriers = new ArrayList<>();
    private final Map<String, Courier> servers = new TreeMap<>();
    private final Map<String, Courier> clients = new TreeMap<>();

    @BeforeAll
    void start() {
        // Avro peers resolve each other's writer schemas through a store both reach.
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Class<?> type : List.of(Item1.class, Coloured1.class, Item2Added.class, Item2Removed.class,
                Item2Renamed.class, Item2Reordered.class, Item2Required.class)) {
            store.addSchema(AvroCodec.schemaOf(type));
        }
        for (String format : FORMATS) {
            Courier server = Courier.builder().name("v2-" + format)
                    .codec(AvroCodec.builder().schemaStore(store).build()).build();
            server.serve(Added2.class, new Added2() {
                public String read(Item2Added item) {
                    return item.toString();
                }

                public Item2Added sample() {
                    return new Item2Added("s-1", 2, Optional.of("fragile"));
                }
            });
            server.serve(Removed2.class, new Removed2() {
                public String read(Item2Removed item) {
                    return item.toString();
                }

                public Item2Removed sample() {
                    return new Item2Removed("s-1", 2);
                }
            });
            server.serve(Renamed2.class, new Renamed2() {
                public String read(Item2Renamed item) {
                    return item.toString();
                }

                public Item2Renamed sample() {
                    return new Item2Renamed("s-1", 2);
                }
            });
            server.serve(Reordered2.class, new Reordered2() {
                public String read(Item2Reordered item) {
                    return item.toString();
                }

                public Item2Reordered sample() {
                    return new Item2Reordered(2, "s-1");
                }
            });
            server.serve(Required2.class, new Required2() {
                public String read(Item2Required item) {
                    return item.toString();
                }

                public Item2Required sample() {
                    return new Item2Required("s-1", 2, new Size(3, 4));
                }
            });
            servers.put(format, server);
            clients.put(format, Courier.builder().name("v1-" + format)
                    .codec(AvroCodec.builder().schemaStore(store).build()).build());
            couriers.add(server);
            couriers.add(clients.get(format));
        }
    }

    @AfterAll
    void stop() {
        couriers.forEach(Courier::close);
    }

    @Test
    void eachFormatSurvivesWhatItsRulesAllowAndNothingElse() {
        Map<String, List<String>> failed = new TreeMap<>();
        for (String format : FORMATS) {
            TreeSet<String> failures = new TreeSet<>();
            Added1 added = client(format, Added1.class);
            check(failures, "added v1->v2", () -> added.read(new Item1("s-1", 2)),
                    "Item2Added[sku=s-1, quantity=2, note=Optional.empty]");
            check(failures, "added v2->v1", added::sample, new Item1("s-1", 2));

            Removed1 removed = client(format, Removed1.class);
            check(failures, "removed v1->v2", () -> removed.read(new Coloured1("s-1", 2, Optional.of("red"))),
                    "Item2Removed[sku=s-1, quantity=2]");
            check(failures, "removed v2->v1", removed::sample, new Coloured1("s-1", 2, Optional.empty()));

            Renamed1 renamed = client(format, Renamed1.class);
            check(failures, "renamed v1->v2", () -> renamed.read(new Item1("s-1", 2)),
                    "Item2Renamed[code=s-1, quantity=2]");
            check(failures, "renamed v2->v1", renamed::sample, new Item1("s-1", 2));

            Reordered1 reordered = client(format, Reordered1.class);
            check(failures, "reordered v1->v2", () -> reordered.read(new Item1("s-1", 2)),
                    "Item2Reordered[quantity=2, sku=s-1]");
            check(failures, "reordered v2->v1", reordered::sample, new Item1("s-1", 2));

            Required1 required = client(format, Required1.class);
            check(failures, "added required v1->v2", () -> required.read(new Item1("s-1", 2)),
                    "Item2Required[sku=s-1, quantity=2, size=null]");
            check(failures, "added required v2->v1", required::sample, new Item1("s-1", 2));
            failed.put(format, List.copyOf(failures));
        }

        assertThat(failed).isEqualTo(new TreeMap<>(CANNOT_SURVIVE));
    }

    @Test
    void aRequiredFieldTheOldWriterLacksIsRefusedNamingIt() {
        for (String format : FORMATS) {
            Required1 required = client(format, Required1.class);

            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> required.read(new Item1("s-1", 2)));

            assertThat(thrown).as(format).isInstanceOf(io.courier.InvalidArgumentException.class)
                    .hasMessageContaining("item.size: missing (expected: a Size");
        }
    }

    private <T> T client(String format, Class<T> contract) {
        return clients.get(format).client(contract).target(servers.get(format).uri()).format(format).build();
    }

    private static void check(TreeSet<String> failures, String what, Supplier<Object> call, Object expected) {
        Object got;
        try {
            got = call.get();
        } catch (CourierException e) {
            failures.add(what);
            return;
        }
        if (!expected.equals(got)) {
            failures.add(what); // e.g. an old reader that never learns a renamed field reads it as null
        }
    }
}
