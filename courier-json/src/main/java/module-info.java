/**
 * The {@code application/json} codec on Jackson: records, {@code Optional} and {@code java.time}
 * values, a tolerant reader that never instantiates a class named by the payload, and decode
 * errors that name the JSON path. Found by {@code Courier} through {@link java.util.ServiceLoader}.
 */
module io.courier.json {
    requires transitive io.courier.core;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;

    exports io.courier.json;

    provides io.courier.spi.Codec with io.courier.json.JsonCodec;
}
