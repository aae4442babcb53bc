/**
 * The {@code application/avro} codec: Java records and Avro-generated classes in Avro binary,
 * the writer's schema named by its fingerprint in the {@code Content-Type}, resolved against
 * the reader's by Avro's rules through a pluggable schema store. Found by {@code Courier}
 * through {@link java.util.ServiceLoader}.
 */
// Avro's jar is an automatic module with a stable name (Automatic-Module-Name org.apache.avro),
// and its Schema and SchemaStore are part of this API, so users must read it too.
@SuppressWarnings("requires-transitive-automatic")
module io.courier.avro {
    requires transitive io.courier.core;
    requires transitive org.apache.avro;

    exports io.courier.avro;

    provides io.courier.spi.Codec with io.courier.avro.AvroCodec;
    provides io.courier.spi.ContractExporter with io.courier.avro.internal.AvscExporter;
}
