package io.courier.bench.load;

import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/**
 * The contract of the gRPC scenario: {@code bench.Unary} in gRPC, the same service as
 * {@code bench.proto}'s, so one grpc-java client calls the Courier server and the grpc-java
 * servers alike. {@link Payload} travels as {@code bench.EchoMessage} through courier-protobuf's
 * record mapping.
 */
@Service("bench")
public interface Unary {
    /** Returns its argument; Courier runs it on a virtual thread, as any blocking method. */
    Payload echo(Payload payload);

    /** Returns its argument at once; Courier runs a method returning a future in place. */
    CompletableFuture<Payload> echoAsync(Payload payload);
}
