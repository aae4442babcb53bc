package io.courier.grpc.exported;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.Cors;

/** {@link GrpcWebCorsTest} with gRPC served alone, on a port of its own, under its factory's {@link Cors} policy. */
class GrpcWebCorsOnItsOwnPortTest extends GrpcWebCorsTest {
    @Override
    Courier.Builder transports(Courier.Builder builder, Cors cors) {
        return builder.transport(GrpcTransportFactory.builder().cors(cors).build());
    }
}
