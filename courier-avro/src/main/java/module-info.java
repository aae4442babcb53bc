/**
 * The {@code application/avro} codec: Java records and Avro-generated classes in Avro binary,
 * the writer's schema named by its fingerprint in the {@code Content-Type}, resolved against
 * the reader's by Avro's rules through a pluggable schema store. Found by {@code Courier}
 * through {@link java.util.ServiceLoader}.
 */
module io.courier.avro {
    requires transitive io.courier.core;
    // Avro names no module (Automatic-Module-Name org.apache.avro): its types appear in this API.
    requires transitive org.apache.avro;

    exports io.courier.avro;

    provides io.courier.spi.Codec with io.courier.avro.AvroCodec;
}
