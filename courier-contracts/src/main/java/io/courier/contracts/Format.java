package io.courier.contracts;

/** The wire formats whose rules {@link ContractDiff} applies, each with its own way of matching fields. */
public enum Format {
    /** JSON over REST: fields by name ({@code @JsonAlias} teaches a reader old names); unknown ones skipped. */
    JSON("JSON"),
    /** XML over REST: the JSON rules (Jackson reads both, aliases included). */
    XML("XML"),
    /** Protobuf over REST: fields by number ({@code @Field}, else position); names never travel. */
    PROTOBUF("Protobuf"),
    /** Avro over REST: Avro's resolution of the writer's schema against the reader's (names, aliases, defaults). */
    AVRO("Avro"),
    /** Protobuf over gRPC: the Protobuf rules, and rpcs addressed by package, service and method name, not by route. */
    GRPC("gRPC");

    private final String label;

    Format(String label) {
        this.label = label;
    }

    /** The format's name for people, e.g. {@code Protobuf}. */
    public String label() {
        return label;
    }
}
