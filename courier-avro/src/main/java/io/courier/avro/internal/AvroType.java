package io.courier.avro.internal;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.ResolvingDecoder;

/**
 * How one Java type is written and read in Avro binary: its schema, and a writer and a reader
 * working directly on Avro's encoder and resolving decoder (no generic records in between).
 * Immutable and thread-safe; built once per type by {@link AvroTypes}.
 */
public abstract class AvroType {
    /** Marks a field without a default: a reader whose writer lacks it cannot read the record. */
    static final Object NO_DEFAULT = new Object();

    /** The schema values of this type are written with. */
    public abstract Schema schema();

    /** Writes {@code value}, never null unless this type is nullable. */
    public abstract void write(Encoder out, Object value) throws IOException;

    /** Reads a value written with whatever writer schema {@code in} was resolved from. */
    public abstract Object read(ResolvingDecoder in) throws IOException;

    /**
     * The default of a record field of this type, as Avro's schema API takes it, or
     * {@link #NO_DEFAULT}: {@code null} for nullable types, empty for arrays and maps, zero or
     * {@code false} for primitives, as Courier's null rule reads an absent value.
     */
    Object fieldDefault() {
        return NO_DEFAULT;
    }

    /** The value of an absent component of this type when writing a {@code null}: empty collections, else null. */
    Object absent() {
        return null;
    }
}
