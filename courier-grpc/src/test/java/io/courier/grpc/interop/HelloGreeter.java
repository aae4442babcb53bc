package io.courier.grpc.interop;

import java.util.stream.Stream;

/**
 * A {@link Greeter} that says hello: {@code sayHello} answers "Hello <name>", and the streaming
 * methods answer through it, one reply for the first request or per request. Tests override
 * what they need.
 */
class HelloGreeter implements Greeter {
    @Override
    public HelloReply sayHello(HelloRequest request) {
        return HelloReply.newBuilder().setMessage("Hello " + request.getName()).build();
    }

    @Override
    public Stream<HelloReply> sayHelloStream(HelloRequest request) {
        return Stream.of(sayHello(request));
    }

    @Override
    public HelloReply collectHellos(Stream<HelloRequest> requests) {
        return sayHello(requests.findFirst().orElseThrow());
    }

    @Override
    public Stream<HelloReply> chat(Stream<HelloRequest> requests) {
        return requests.map(this::sayHello);
    }
}
