package io.courier.bench.load;

import io.courier.annotation.Post;
import io.courier.annotation.Service;

/** The contract of the unary scenarios. */
@Service("echo")
public interface Echo {
    /** Returns its argument. */
    @Post("/echo")
    Payload echo(Payload payload);
}
