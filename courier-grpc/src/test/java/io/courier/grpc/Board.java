package io.courier.grpc;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.util.stream.Stream;

/**
 * The contract a browser page calls in {@link BrowserTest}: over gRPC-Web at
 * {@code /board.Board/...} and, for the stream, as Server-Sent Events at {@code GET /ticks/{count}}.
 */
@Service("board")
public interface Board {
    /** A greeting. */
    record Greeting(String text) {
    }

    /** One element of a stream. */
    record Tick(long n, String label) {
    }

    @Get("/greet/{name}")
    Greeting greet(@Path("name") String name);

    @Get("/ticks/{count}")
    Stream<Tick> ticks(@Path("count") int count);

    @Get("/fail/{why}")
    Greeting fail(@Path("why") String why);
}
