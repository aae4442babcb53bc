package io.courier.spi;

import io.courier.contract.ServiceDescriptor;

/**
 * Writes a contract in one schema language: what a running service serves at
 * {@code /contracts/<service>.<extension>} (courier-http) and what {@code courier contract export}
 * writes to files. Found with {@link java.util.ServiceLoader} (declare it with
 * {@code provides io.courier.spi.ContractExporter with ...}): {@code courier-protobuf} provides
 * {@code proto}, {@code courier-avro} provides {@code avsc}. Implementations are stateless and
 * thread-safe.
 */
public interface ContractExporter {
    /** The file extension and the name of the format, e.g. {@code proto}, {@code avsc}. */
    String extension();

    /** The media type the file is served with, e.g. {@code text/plain; charset=utf-8}. */
    String mediaType();

    /**
     * The file's text for {@code service}.
     *
     * @throws io.courier.contract.InvalidContractException when the contract uses something this
     *         format cannot describe (the message names the method or record and what to change)
     */
    String export(ServiceDescriptor service);
}
