package io.courier.bench.load;

import io.courier.annotation.Post;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/** {@link Echo} with a future-returning method, same route: how the REST client is called without blocking. */
@Service("echo")
public interface AsyncEcho {
    /** Returns its argument. */
    @Post("/echo")
    CompletableFuture<Payload> echo(Payload payload);
}
