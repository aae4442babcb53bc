package io.courier.contracts;

import io.courier.contracts.internal.Differ;
import java.util.List;
import java.util.Objects;

/**
 * Compares two versions of a contract interface and lists what changed, each change with the
 * formats and directions it breaks, by each format's own rules:
 *
 * <ul>
 *   <li>JSON and XML match fields by name; {@code @JsonAlias} on the new component teaches a
 *       new reader the old name (never an old reader the new one); unknown fields are skipped.
 *   <li>Protobuf (over REST and gRPC) matches fields by number: {@code @Field}, else the
 *       component's position counting from 1; names never travel; an unknown enum number reads
 *       as absent.
 *   <li>Avro resolves the writer's schema against the reader's: fields by name or the reader's
 *       {@code @AvroAlias}, records by name or alias, {@code int} promoted to {@code long},
 *       {@code float} to {@code double}; Avro's own {@code SchemaCompatibility} is run on every
 *       body and result as well.
 *   <li>In every format, Courier's null rule refuses a required value (not {@code Optional},
 *       {@code @Nullable}, a collection, a map or a primitive) the writer did not send.
 * </ul>
 *
 * <p>The two versions are usually the same interface loaded from two jars by two class loaders;
 * they may also be two interfaces (in tests, say) with the same service name.
 *
 * <pre>{@code
 * List<Change> changes = ContractDiff.compare(oldOrders, newOrders);
 * if (ContractDiff.breaking(changes)) { ... }
 * }</pre>
 */
public final class ContractDiff {
    private ContractDiff() {
    }

    /**
     * The changes from {@code oldContract} to {@code newContract}, in the order of the old
     * contract's methods, then the methods added.
     *
     * @throws io.courier.contract.InvalidContractException when either is not a valid contract
     */
    public static List<Change> compare(Class<?> oldContract, Class<?> newContract) {
        return new Differ(Objects.requireNonNull(oldContract, "oldContract"),
                Objects.requireNonNull(newContract, "newContract")).changes();
    }

    /** Whether any change breaks any format in any direction. */
    public static boolean breaking(List<Change> changes) {
        return changes.stream().anyMatch(Change::breaking);
    }
}
