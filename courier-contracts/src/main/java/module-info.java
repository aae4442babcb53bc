/**
 * The compatibility checker: {@link io.courier.contracts.ContractDiff} compares two versions of a
 * contract and says, for each change, whether it breaks old clients of a new server or new
 * clients of an old server, in each format, by that format's own rules;
 * {@link io.courier.contracts.ContractFiles} does the same for exported schema files.
 */
module io.courier.contracts {
    requires transitive io.courier.core;
    requires io.courier.protobuf;
    requires org.apache.avro;
    // Exported OpenAPI and AsyncAPI files, in JSON or YAML.
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports io.courier.contracts;
}
