package io.courier.avro.internal;

import io.courier.avro.AvroCodec;
import io.courier.contract.InvalidContractException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.spi.ContractExporter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The Avro schemas of a contract's bodies and results, as one {@code .avsc} file: a union of
 * every record and enum a method sends or answers (each declared once, where first reached,
 * and named thereafter), which {@code new Schema.Parser().parse(...)} reads back. The same
 * schemas {@link AvroCodec#schemaOf} gives, so the writer fingerprints match.
 */
public final class AvscExporter implements ContractExporter {
    /** For {@link java.util.ServiceLoader}. */
    public AvscExporter() {
    }

    @Override
    public String extension() {
        return "avsc";
    }

    @Override
    public String mediaType() {
        return "application/json";
    }

    @Override
    public String export(ServiceDescriptor service) {
        return Schema.createUnion(schemas(service)).toString(true);
    }

    /** The named schemas (records and enums) the methods of {@code service} carry, in order. */
    public static List<Schema> schemas(ServiceDescriptor service) {
        Map<String, Schema> named = new LinkedHashMap<>();
        for (MethodDescriptor m : service.methods()) {
            for (ParameterDescriptor p : m.parameters()) {
                if (p.kind() == ParameterDescriptor.Kind.BODY) {
                    collect(service, m, p.type(), named);
                }
            }
            if (!m.returnsVoid()) {
                collect(service, m, m.resultType(), named);
            }
        }
        return new ArrayList<>(named.values());
    }

    private static void collect(ServiceDescriptor service, MethodDescriptor m, Type type, Map<String, Schema> named) {
        Schema schema;
        try {
            schema = AvroCodec.schemaOf(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidContractException(service.type().getName() + "." + m.name() + ": " + e.getMessage());
        }
        walk(schema, named);
    }

    private static void walk(Schema schema, Map<String, Schema> named) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                Schema before = named.putIfAbsent(schema.getFullName(), schema);
                if (before != null && !before.equals(schema)) {
                    throw new InvalidContractException("two different types would both be the Avro "
                            + schema.getType().getName() + " " + schema.getFullName() + " (expected: distinct"
                            + " names in a package, enclosing classes left out; rename one)");
                }
            }
            case ARRAY -> walk(schema.getElementType(), named);
            case MAP -> walk(schema.getValueType(), named);
            case UNION -> schema.getTypes().forEach(t -> walk(t, named));
            default -> {
            }
        }
    }
}
