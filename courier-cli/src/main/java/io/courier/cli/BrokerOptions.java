package io.courier.cli;

import picocli.CommandLine.Option;

/** {@code --broker}, shared by the messaging commands. */
final class BrokerOptions {
    @Option(names = "--broker", paramLabel = "SPEC", description = "kafka=HOST:PORT or rabbitmq=HOST:PORT (default: "
            + "$COURIER_BROKER, else " + BrokerSpec.DEFAULT + ").")
    String broker;

    BrokerSpec spec() {
        return BrokerSpec.resolve(broker, System.getenv());
    }
}
