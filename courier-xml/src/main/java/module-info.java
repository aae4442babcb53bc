/**
 * The {@code application/xml} codec on Jackson XML and Woodstox: records, {@code Optional} and
 * {@code java.time} values, a tolerant reader that never instantiates a class named by the
 * payload, and no document type declarations (so no external entities and no entity
 * expansion). Found by {@code Courier} through {@link java.util.ServiceLoader}.
 */
module io.courier.xml {
    requires transitive io.courier.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.xml;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.ctc.wstx;
    requires java.xml;

    exports io.courier.xml;

    provides io.courier.spi.Codec with io.courier.xml.XmlCodec;
}
