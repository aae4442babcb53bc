package io.courier.avro.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Avro's specific data for one generated class, whose nested records, enums and fixed types
 * are found through that class's own schema only: never by a name a payload or a writer's
 * schema brings. Avro 1.12 refuses to load any class it was not told to trust (its
 * {@code ClassSecurityValidator}, a global setting); the codec trusts exactly the classes the
 * contract declares, by walking the declared class's schema once here, and leaves the global
 * setting alone. Thread-safe after construction.
 */
public final class ContractClasses extends SpecificData {
    private final Map<String, Class<?>> classes = new HashMap<>();

    public ContractClasses(Class<?> declared, Schema schema) {
        super(declared.getClassLoader());
        collect(schema, declared.getClassLoader(), new java.util.HashSet<>());
        classes.put(schema.getFullName(), declared);
    }

    private void collect(Schema s, ClassLoader loader, java.util.Set<String> seen) {
        switch (s.getType()) {
            case RECORD, ENUM, FIXED -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                try {
                    classes.put(s.getFullName(), Class.forName(s.getFullName(), false, loader));
                } catch (ClassNotFoundException e) {
                    // A name with no generated class: read generically, as Avro does.
                }
                if (s.getType() == Schema.Type.RECORD) {
                    for (Schema.Field f : s.getFields()) {
                        collect(f.schema(), loader, seen);
                    }
                }
            }
            case ARRAY -> collect(s.getElementType(), loader, seen);
            case MAP -> collect(s.getValueType(), loader, seen);
            case UNION -> s.getTypes().forEach(t -> collect(t, loader, seen));
            default -> { }
        }
    }

    @Override
    public Class<?> getClass(Schema schema) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                return classes.get(schema.getFullName()); // null: read generically
            }
            default -> {
                return super.getClass(schema);
            }
        }
    }
}
