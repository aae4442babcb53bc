package io.courier.grpc.interop;

import io.courier.annotation.Service;
import java.util.stream.Stream;

/**
 * The hand-written {@code greeter.proto}'s service as a Courier contract, with the message
 * classes {@code protoc} generated from it: package {@code interop}, service {@code Greeter}.
 */
@Service("interop")
public interface Greeter {
    HelloReply sayHello(HelloRequest request);

    Stream<HelloReply> sayHelloStream(HelloRequest request);

    HelloReply collectHellos(Stream<HelloRequest> requests);

    Stream<HelloReply> chat(Stream<HelloRequest> requests);
}
