package io.courier.grpc;

import io.courier.Courier;
import io.courier.test.conformance.TransportConformanceSuite;
import java.net.URI;

/** The transport conformance suite over gRPC with JSON messages ({@code application/grpc+json}). */
class GrpcJsonConformanceTest extends TransportConformanceSuite {
    @Override
    protected Courier.Builder configure(Courier.Builder builder) {
        return builder.transport(GrpcTransportFactory.builder().preferJson(true).build());
    }

    @Override
    protected URI target(Courier server) {
        return server.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
    }
}
