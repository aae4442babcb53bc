package io.courier.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.CourierException;
import io.courier.avro.AvroCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients and servers built from two versions of seven contracts ({@code v1} and {@code v2}:
 * fields added, removed, renamed with aliases, reordered with and without {@code @Field}, a
 * required field added, an enum constant added) call each other over REST in JSON, XML,
 * Protobuf and Avro, and over gRPC in Protobuf, in both directions (old client and new server,
 * new client and old server), each call in both flows (the server reading the client's
 * request, the client reading the server's answer). The test records every call that fails or
 * reads something else than was written, and checks that {@link ContractDiff} flags exactly
 * those calls as breaking: no more, no fewer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvolutionTest {
    static final List<String> CASES = List.of("Added", "Removed", "Renamed", "Reordered", "Renumbered", "Required",
            "EnumAdded");
    private static final Map<Format, String> MEDIA_TYPES = Map.of(Format.JSON, "application/json",
            Format.XML, "application/xml", Format.PROTOBUF, "application/x-protobuf", Format.AVRO, "application/avro");

    private final List<Courier> couriers = new ArrayList<>();
    private final Map<String, Courier> servers = new TreeMap<>();
    private final Map<String, Courier> clients = new TreeMap<>();

    static Class<?> contract(String version, String name) {
        try {
            return Class.forName("io.courier.contracts." + version + "." + name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    void start() throws Exception {
        // Avro peers resolve each other's writer schemas through a store both reach.
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (String version : List.of("v1", "v2")) {
            for (String name : CASES) {
                store.addSchema(AvroCodec.schemaOf(record(contract(version, name))));
            }
        }
        for (String version : List.of("v1", "v2")) {
            Courier server = Courier.builder().name("server-" + version)
                    .codec(AvroCodec.builder().schemaStore(store).build()).build();
            for (String name : CASES) {
                serve(server, contract(version, name));
            }
            servers.put(version, server);
            clients.put(version, Courier.builder().name("client-" + version)
                    .codec(AvroCodec.builder().schemaStore(store).build()).build());
            couriers.add(server);
            couriers.add(clients.get(version));
        }
    }

    private static Class<?> record(Class<?> contract) {
        for (Class<?> c : contract.getDeclaredClasses()) {
            if (c.getSimpleName().endsWith("Item")) {
                return c;
            }
        }
        throw new AssertionError(contract + " has no Item");
    }

    @SuppressWarnings("unchecked")
    private static <T> void serve(Courier server, Class<T> contract) throws Exception {
        server.serve(contract, (T) contract.getMethod("server").invoke(null));
    }

    @AfterAll
    void stop() {
        couriers.forEach(Courier::close);
    }

    @Test
    void callsFailExactlyWhereTheCheckerSaysTheyBreak() throws Exception {
        TreeSet<String> failed = new TreeSet<>();
        TreeSet<String> flagged = new TreeSet<>();
        for (String name : CASES) {
            List<Change> changes = ContractDiff.compare(contract("v1", name), contract("v2", name));
            for (Format format : Format.values()) {
                for (Direction direction : Direction.values()) {
                    boolean oldClient = direction == Direction.OLD_CLIENT_NEW_SERVER;
                    String client = oldClient ? "v1" : "v2";
                    String server = oldClient ? "v2" : "v1";
                    for (String method : List.of("read", "sample")) {
                        String what = name + " " + format + " " + direction + " " + method;
                        if (!works(name, format, client, server, method)) {
                            failed.add(what);
                        }
                        String at = serviceName(name) + "." + method;
                        if (changes.stream().anyMatch(c -> c.location().startsWith(at) && c.breaks(format, direction))) {
                            flagged.add(what);
                        }
                    }
                }
            }
        }

        assertThat(flagged).as("flagged by the checker, vs the calls that failed").isEqualTo(failed);
        // The cases each format's rules allow do survive (so the comparison above is not empty-handed).
        assertThat(failed).noneMatch(s -> s.startsWith("Added ") || s.startsWith("Removed ")
                || s.startsWith("Reordered "));
        assertThat(failed).contains("Renamed JSON OLD_CLIENT_NEW_SERVER sample", "Renumbered GRPC OLD_CLIENT_NEW_SERVER read",
                "Required AVRO OLD_CLIENT_NEW_SERVER read", "EnumAdded PROTOBUF OLD_CLIENT_NEW_SERVER sample")
                .doesNotContain("Renamed PROTOBUF OLD_CLIENT_NEW_SERVER sample", "Renamed GRPC NEW_CLIENT_OLD_SERVER read");
    }

    private static String serviceName(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** Whether a call of {@code method} from a client of one version to a server of the other reads what was written. */
    private boolean works(String name, Format format, String client, String server, String method) throws Exception {
        Class<?> contract = contract(client, name);
        Object stub = stub(contract, format, servers.get(server));
        Class<?> written = contract(method.equals("read") ? client : server, name);
        String expected = (String) written.getMethod("show", record(written)).invoke(null,
                written.getMethod("item").invoke(null));
        try {
            if (method.equals("read")) {
                Object item = contract.getMethod("item").invoke(null);
                return expected.equals(contract.getMethod("read", record(contract)).invoke(stub, item));
            }
            Object item = contract.getMethod("sample").invoke(stub);
            return expected.equals(contract.getMethod("show", record(contract)).invoke(null, item));
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof CourierException) {
                return false;
            }
            throw e;
        }
    }

    private <T> T stub(Class<T> contract, Format format, Courier server) {
        if (format == Format.GRPC) {
            URI grpc = server.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
            return clients.get(contract.getPackageName().endsWith("v1") ? "v1" : "v2").client(contract).target(grpc)
                    .build();
        }
        return clients.get(contract.getPackageName().endsWith("v1") ? "v1" : "v2").client(contract)
                .target(server.uri()).format(MEDIA_TYPES.get(format)).build();
    }
}
